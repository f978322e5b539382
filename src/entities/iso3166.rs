//! The built-in ISO 3166-1 table: every officially assigned country code with its alpha-2, alpha-3 code and English short name.

/// (alpha-2, alpha-3, English short name), sorted by alpha-2.
pub const COUNTRIES: &[(&str, &str, &str)] = &[
    ("AD", "AND", "Andorra"),
    ("AE", "ARE", "United Arab Emirates"),
    ("AF", "AFG", "Afghanistan"),
    ("AG", "ATG", "Antigua and Barbuda"),
    ("AI", "AIA", "Anguilla"),
    ("AL", "ALB", "Albania"),
    ("AM", "ARM", "Armenia"),
    ("AO", "AGO", "Angola"),
    ("AQ", "ATA", "Antarctica"),
    ("AR", "ARG", "Argentina"),
    ("AS", "ASM", "American Samoa"),
    ("AT", "AUT", "Austria"),
    ("AU", "AUS", "Australia"),
    ("AW", "ABW", "Aruba"),
    ("AX", "ALA", "Åland Islands"),
    ("AZ", "AZE", "Azerbaijan"),
    ("BA", "BIH", "Bosnia and Herzegovina"),
    ("BB", "BRB", "Barbados"),
    ("BD", "BGD", "Bangladesh"),
    ("BE", "BEL", "Belgium"),
    ("BF", "BFA", "Burkina Faso"),
    ("BG", "BGR", "Bulgaria"),
    ("BH", "BHR", "Bahrain"),
    ("BI", "BDI", "Burundi"),
    ("BJ", "BEN", "Benin"),
    ("BL", "BLM", "Saint Barthélemy"),
    ("BM", "BMU", "Bermuda"),
    ("BN", "BRN", "Brunei"),
    ("BO", "BOL", "Bolivia"),
    ("BQ", "BES", "Caribbean Netherlands"),
    ("BR", "BRA", "Brazil"),
    ("BS", "BHS", "Bahamas"),
    ("BT", "BTN", "Bhutan"),
    ("BV", "BVT", "Bouvet Island"),
    ("BW", "BWA", "Botswana"),
    ("BY", "BLR", "Belarus"),
    ("BZ", "BLZ", "Belize"),
    ("CA", "CAN", "Canada"),
    ("CC", "CCK", "Cocos (Keeling) Islands"),
    ("CD", "COD", "DR Congo"),
    ("CF", "CAF", "Central African Republic"),
    ("CG", "COG", "Congo"),
    ("CH", "CHE", "Switzerland"),
    ("CI", "CIV", "Côte d'Ivoire"),
    ("CK", "COK", "Cook Islands"),
    ("CL", "CHL", "Chile"),
    ("CM", "CMR", "Cameroon"),
    ("CN", "CHN", "China"),
    ("CO", "COL", "Colombia"),
    ("CR", "CRI", "Costa Rica"),
    ("CU", "CUB", "Cuba"),
    ("CV", "CPV", "Cabo Verde"),
    ("CW", "CUW", "Curaçao"),
    ("CX", "CXR", "Christmas Island"),
    ("CY", "CYP", "Cyprus"),
    ("CZ", "CZE", "Czechia"),
    ("DE", "DEU", "Germany"),
    ("DJ", "DJI", "Djibouti"),
    ("DK", "DNK", "Denmark"),
    ("DM", "DMA", "Dominica"),
    ("DO", "DOM", "Dominican Republic"),
    ("DZ", "DZA", "Algeria"),
    ("EC", "ECU", "Ecuador"),
    ("EE", "EST", "Estonia"),
    ("EG", "EGY", "Egypt"),
    ("EH", "ESH", "Western Sahara"),
    ("ER", "ERI", "Eritrea"),
    ("ES", "ESP", "Spain"),
    ("ET", "ETH", "Ethiopia"),
    ("FI", "FIN", "Finland"),
    ("FJ", "FJI", "Fiji"),
    ("FK", "FLK", "Falkland Islands"),
    ("FM", "FSM", "Micronesia"),
    ("FO", "FRO", "Faroe Islands"),
    ("FR", "FRA", "France"),
    ("GA", "GAB", "Gabon"),
    ("GB", "GBR", "United Kingdom"),
    ("GD", "GRD", "Grenada"),
    ("GE", "GEO", "Georgia"),
    ("GF", "GUF", "French Guiana"),
    ("GG", "GGY", "Guernsey"),
    ("GH", "GHA", "Ghana"),
    ("GI", "GIB", "Gibraltar"),
    ("GL", "GRL", "Greenland"),
    ("GM", "GMB", "Gambia"),
    ("GN", "GIN", "Guinea"),
    ("GP", "GLP", "Guadeloupe"),
    ("GQ", "GNQ", "Equatorial Guinea"),
    ("GR", "GRC", "Greece"),
    ("GS", "SGS", "South Georgia and the South Sandwich Islands"),
    ("GT", "GTM", "Guatemala"),
    ("GU", "GUM", "Guam"),
    ("GW", "GNB", "Guinea-Bissau"),
    ("GY", "GUY", "Guyana"),
    ("HK", "HKG", "Hong Kong"),
    ("HM", "HMD", "Heard Island and McDonald Islands"),
    ("HN", "HND", "Honduras"),
    ("HR", "HRV", "Croatia"),
    ("HT", "HTI", "Haiti"),
    ("HU", "HUN", "Hungary"),
    ("ID", "IDN", "Indonesia"),
    ("IE", "IRL", "Ireland"),
    ("IL", "ISR", "Israel"),
    ("IM", "IMN", "Isle of Man"),
    ("IN", "IND", "India"),
    ("IO", "IOT", "British Indian Ocean Territory"),
    ("IQ", "IRQ", "Iraq"),
    ("IR", "IRN", "Iran"),
    ("IS", "ISL", "Iceland"),
    ("IT", "ITA", "Italy"),
    ("JE", "JEY", "Jersey"),
    ("JM", "JAM", "Jamaica"),
    ("JO", "JOR", "Jordan"),
    ("JP", "JPN", "Japan"),
    ("KE", "KEN", "Kenya"),
    ("KG", "KGZ", "Kyrgyzstan"),
    ("KH", "KHM", "Cambodia"),
    ("KI", "KIR", "Kiribati"),
    ("KM", "COM", "Comoros"),
    ("KN", "KNA", "Saint Kitts and Nevis"),
    ("KP", "PRK", "North Korea"),
    ("KR", "KOR", "South Korea"),
    ("KW", "KWT", "Kuwait"),
    ("KY", "CYM", "Cayman Islands"),
    ("KZ", "KAZ", "Kazakhstan"),
    ("LA", "LAO", "Laos"),
    ("LB", "LBN", "Lebanon"),
    ("LC", "LCA", "Saint Lucia"),
    ("LI", "LIE", "Liechtenstein"),
    ("LK", "LKA", "Sri Lanka"),
    ("LR", "LBR", "Liberia"),
    ("LS", "LSO", "Lesotho"),
    ("LT", "LTU", "Lithuania"),
    ("LU", "LUX", "Luxembourg"),
    ("LV", "LVA", "Latvia"),
    ("LY", "LBY", "Libya"),
    ("MA", "MAR", "Morocco"),
    ("MC", "MCO", "Monaco"),
    ("MD", "MDA", "Moldova"),
    ("ME", "MNE", "Montenegro"),
    ("MF", "MAF", "Saint Martin"),
    ("MG", "MDG", "Madagascar"),
    ("MH", "MHL", "Marshall Islands"),
    ("MK", "MKD", "North Macedonia"),
    ("ML", "MLI", "Mali"),
    ("MM", "MMR", "Myanmar"),
    ("MN", "MNG", "Mongolia"),
    ("MO", "MAC", "Macao"),
    ("MP", "MNP", "Northern Mariana Islands"),
    ("MQ", "MTQ", "Martinique"),
    ("MR", "MRT", "Mauritania"),
    ("MS", "MSR", "Montserrat"),
    ("MT", "MLT", "Malta"),
    ("MU", "MUS", "Mauritius"),
    ("MV", "MDV", "Maldives"),
    ("MW", "MWI", "Malawi"),
    ("MX", "MEX", "Mexico"),
    ("MY", "MYS", "Malaysia"),
    ("MZ", "MOZ", "Mozambique"),
    ("NA", "NAM", "Namibia"),
    ("NC", "NCL", "New Caledonia"),
    ("NE", "NER", "Niger"),
    ("NF", "NFK", "Norfolk Island"),
    ("NG", "NGA", "Nigeria"),
    ("NI", "NIC", "Nicaragua"),
    ("NL", "NLD", "Netherlands"),
    ("NO", "NOR", "Norway"),
    ("NP", "NPL", "Nepal"),
    ("NR", "NRU", "Nauru"),
    ("NU", "NIU", "Niue"),
    ("NZ", "NZL", "New Zealand"),
    ("OM", "OMN", "Oman"),
    ("PA", "PAN", "Panama"),
    ("PE", "PER", "Peru"),
    ("PF", "PYF", "French Polynesia"),
    ("PG", "PNG", "Papua New Guinea"),
    ("PH", "PHL", "Philippines"),
    ("PK", "PAK", "Pakistan"),
    ("PL", "POL", "Poland"),
    ("PM", "SPM", "Saint Pierre and Miquelon"),
    ("PN", "PCN", "Pitcairn Islands"),
    ("PR", "PRI", "Puerto Rico"),
    ("PS", "PSE", "Palestine"),
    ("PT", "PRT", "Portugal"),
    ("PW", "PLW", "Palau"),
    ("PY", "PRY", "Paraguay"),
    ("QA", "QAT", "Qatar"),
    ("RE", "REU", "Réunion"),
    ("RO", "ROU", "Romania"),
    ("RS", "SRB", "Serbia"),
    ("RU", "RUS", "Russia"),
    ("RW", "RWA", "Rwanda"),
    ("SA", "SAU", "Saudi Arabia"),
    ("SB", "SLB", "Solomon Islands"),
    ("SC", "SYC", "Seychelles"),
    ("SD", "SDN", "Sudan"),
    ("SE", "SWE", "Sweden"),
    ("SG", "SGP", "Singapore"),
    ("SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha"),
    ("SI", "SVN", "Slovenia"),
    ("SJ", "SJM", "Svalbard and Jan Mayen"),
    ("SK", "SVK", "Slovakia"),
    ("SL", "SLE", "Sierra Leone"),
    ("SM", "SMR", "San Marino"),
    ("SN", "SEN", "Senegal"),
    ("SO", "SOM", "Somalia"),
    ("SR", "SUR", "Suriname"),
    ("SS", "SSD", "South Sudan"),
    ("ST", "STP", "São Tomé and Príncipe"),
    ("SV", "SLV", "El Salvador"),
    ("SX", "SXM", "Sint Maarten"),
    ("SY", "SYR", "Syria"),
    ("SZ", "SWZ", "Eswatini"),
    ("TC", "TCA", "Turks and Caicos Islands"),
    ("TD", "TCD", "Chad"),
    ("TF", "ATF", "French Southern Territories"),
    ("TG", "TGO", "Togo"),
    ("TH", "THA", "Thailand"),
    ("TJ", "TJK", "Tajikistan"),
    ("TK", "TKL", "Tokelau"),
    ("TL", "TLS", "Timor-Leste"),
    ("TM", "TKM", "Turkmenistan"),
    ("TN", "TUN", "Tunisia"),
    ("TO", "TON", "Tonga"),
    ("TR", "TUR", "Türkiye"),
    ("TT", "TTO", "Trinidad and Tobago"),
    ("TV", "TUV", "Tuvalu"),
    ("TW", "TWN", "Taiwan"),
    ("TZ", "TZA", "Tanzania"),
    ("UA", "UKR", "Ukraine"),
    ("UG", "UGA", "Uganda"),
    ("UM", "UMI", "United States Minor Outlying Islands"),
    ("US", "USA", "United States"),
    ("UY", "URY", "Uruguay"),
    ("UZ", "UZB", "Uzbekistan"),
    ("VA", "VAT", "Vatican City"),
    ("VC", "VCT", "Saint Vincent and the Grenadines"),
    ("VE", "VEN", "Venezuela"),
    ("VG", "VGB", "British Virgin Islands"),
    ("VI", "VIR", "United States Virgin Islands"),
    ("VN", "VNM", "Vietnam"),
    ("VU", "VUT", "Vanuatu"),
    ("WF", "WLF", "Wallis and Futuna"),
    ("WS", "WSM", "Samoa"),
    ("YE", "YEM", "Yemen"),
    ("YT", "MYT", "Mayotte"),
    ("ZA", "ZAF", "South Africa"),
    ("ZM", "ZMB", "Zambia"),
    ("ZW", "ZWE", "Zimbabwe"),
];

/// Further English names a reference may use: ISO 3166-1's formal short names where the table
/// above has the everyday one, and common alternatives. Claimed like the names above.
pub const OTHER_NAMES: &[(&str, &str)] = &[
    ("BO", "Bolivia (Plurinational State of)"),
    ("BN", "Brunei Darussalam"),
    ("CD", "Democratic Republic of the Congo"),
    ("CD", "Congo (the Democratic Republic of the)"),
    ("CG", "Republic of the Congo"),
    ("CI", "Ivory Coast"),
    ("CV", "Cape Verde"),
    ("CZ", "Czech Republic"),
    ("FM", "Micronesia (Federated States of)"),
    ("GB", "United Kingdom of Great Britain and Northern Ireland"),
    ("GB", "Great Britain"),
    ("GB", "Britain"),
    ("GB", "UK"),
    ("IR", "Iran (Islamic Republic of)"),
    ("IR", "Islamic Republic of Iran"),
    ("KP", "Korea (the Democratic People's Republic of)"),
    ("KP", "Democratic People's Republic of Korea"),
    ("KP", "Korea, Democratic People's Republic of"),
    ("KP", "DPRK"),
    ("KR", "Korea (the Republic of)"),
    ("KR", "Republic of Korea"),
    ("KR", "Korea, Republic of"),
    ("KR", "ROK"),
    ("LA", "Lao People's Democratic Republic"),
    ("MD", "Republic of Moldova"),
    ("MK", "Macedonia"),
    ("MM", "Burma"),
    ("NL", "The Netherlands"),
    ("PS", "State of Palestine"),
    ("RU", "Russian Federation"),
    ("SY", "Syrian Arab Republic"),
    ("SZ", "Swaziland"),
    ("TL", "East Timor"),
    ("TR", "Turkey"),
    ("TW", "Taiwan (Province of China)"),
    ("TZ", "United Republic of Tanzania"),
    ("US", "United States of America"),
    ("US", "USA"),
    ("VA", "Holy See"),
    ("VE", "Venezuela (Bolivarian Republic of)"),
    ("VN", "Viet Nam"),
];

#[cfg(test)]
mod tests {
    use super::{COUNTRIES, OTHER_NAMES};
    use std::collections::HashSet;

    fn is_upper_code(s: &str, len: usize) -> bool {
        s.len() == len && s.bytes().all(|b| b.is_ascii_uppercase())
    }

    #[test]
    fn has_249_entries() {
        assert_eq!(COUNTRIES.len(), 249);
    }

    #[test]
    fn alpha2_codes_are_valid_unique_and_sorted() {
        let mut seen = HashSet::new();
        for &(a2, _, _) in COUNTRIES {
            assert!(is_upper_code(a2, 2), "bad alpha-2 code {a2:?}");
            assert!(seen.insert(a2), "duplicate alpha-2 code {a2}");
        }
        for pair in COUNTRIES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "not sorted: {} before {}", pair[0].0, pair[1].0);
        }
    }

    #[test]
    fn other_names_name_known_countries_and_clash_with_none() {
        let mut seen: HashSet<String> = COUNTRIES.iter().map(|c| c.2.to_lowercase()).collect();
        for &(a2, name) in OTHER_NAMES {
            assert!(COUNTRIES.iter().any(|c| c.0 == a2), "{a2}");
            assert!(seen.insert(name.to_lowercase()), "duplicate name {name}");
        }
    }

    #[test]
    fn alpha3_codes_are_valid_and_unique() {
        let mut seen = HashSet::new();
        for &(_, a3, _) in COUNTRIES {
            assert!(is_upper_code(a3, 3), "bad alpha-3 code {a3:?}");
            assert!(seen.insert(a3), "duplicate alpha-3 code {a3}");
        }
    }

    #[test]
    fn names_are_unique_case_insensitively() {
        let mut seen = HashSet::new();
        for &(_, _, name) in COUNTRIES {
            assert!(!name.is_empty());
            assert!(seen.insert(name.to_lowercase()), "duplicate name {name}");
        }
    }

    #[test]
    fn names_do_not_collide_with_codes() {
        let codes: HashSet<String> =
            COUNTRIES.iter().flat_map(|&(a2, a3, _)| [a2.to_lowercase(), a3.to_lowercase()]).collect();
        for &(_, _, name) in COUNTRIES {
            assert!(!codes.contains(&name.to_lowercase()), "name {name} equals a code");
        }
    }

    #[test]
    fn spot_checks() {
        let lookup = |a2: &str| COUNTRIES.iter().find(|c| c.0 == a2).map(|&(_, a3, name)| (a3, name));
        assert_eq!(lookup("KP"), Some(("PRK", "North Korea")));
        assert_eq!(lookup("CN"), Some(("CHN", "China")));
        assert_eq!(lookup("DE"), Some(("DEU", "Germany")));
        assert_eq!(lookup("RU"), Some(("RUS", "Russia")));
        assert_eq!(lookup("US"), Some(("USA", "United States")));
        assert_eq!(lookup("GB"), Some(("GBR", "United Kingdom")));
    }
}
