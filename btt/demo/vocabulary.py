"""Word lists, geography and text templates for the synthetic demo data.

Everything here is invented demo content (Danish, as users would see it). Municipalities and
postal codes are real so the addresses look plausible; streets come from Faker da_DK.
"""

from __future__ import annotations

from dataclasses import dataclass

ADULT_TEAM_AREAS = ("Nord", "Syd", "Øst", "Vest", "Centrum")
CHILD_TEAM_NAME = "Døgninstitutionsteam BUC"


@dataclass(frozen=True)
class RegionSpec:
    name: str
    slug: str  # ascii, used in usernames and e-mail domains
    # per adult team (Nord, Syd, Øst, Vest, Centrum): [(municipality, [(postal code, city)])]
    areas: dict[str, list[tuple[str, list[tuple[str, str]]]]]
    ward_centres: tuple[str, ...]
    hospital: str  # for referrals from another hospital department


_HOVEDSTADEN = RegionSpec(
    name="Region Hovedstaden (demo)",
    slug="hovedstaden",
    areas={
        "Nord": [
            ("Hillerød", [("3400", "Hillerød")]),
            ("Helsingør", [("3000", "Helsingør"), ("3070", "Snekkersten")]),
            ("Gribskov", [("3200", "Helsinge"), ("3250", "Gilleleje")]),
            ("Fredensborg", [("3480", "Fredensborg"), ("2990", "Nivå")]),
            ("Allerød", [("3450", "Allerød")]),
            ("Halsnæs", [("3300", "Frederiksværk"), ("3390", "Hundested")]),
            ("Frederikssund", [("3600", "Frederikssund")]),
        ],
        "Syd": [
            ("Hvidovre", [("2650", "Hvidovre")]),
            ("Brøndby", [("2605", "Brøndby")]),
            ("Ishøj", [("2635", "Ishøj")]),
            ("Tårnby", [("2770", "Kastrup")]),
            ("Dragør", [("2791", "Dragør")]),
            ("Høje-Taastrup", [("2630", "Taastrup")]),
            ("Albertslund", [("2620", "Albertslund")]),
        ],
        "Øst": [
            ("Gentofte", [("2820", "Gentofte"), ("2900", "Hellerup")]),
            ("Lyngby-Taarbæk", [("2800", "Kongens Lyngby")]),
            ("Rudersdal", [("2840", "Holte"), ("3460", "Birkerød")]),
            ("Gladsaxe", [("2860", "Søborg"), ("2880", "Bagsværd")]),
            ("Hørsholm", [("2970", "Hørsholm")]),
            ("Bornholm", [("3700", "Rønne"), ("3730", "Nexø")]),
        ],
        "Vest": [
            ("Ballerup", [("2750", "Ballerup")]),
            ("Herlev", [("2730", "Herlev")]),
            ("Rødovre", [("2610", "Rødovre")]),
            ("Glostrup", [("2600", "Glostrup")]),
            ("Egedal", [("3650", "Ølstykke"), ("2765", "Smørum")]),
            ("Furesø", [("3520", "Farum"), ("3500", "Værløse")]),
        ],
        "Centrum": [
            (
                "København",
                [
                    ("2100", "København Ø"),
                    ("2200", "København N"),
                    ("2300", "København S"),
                    ("2400", "København NV"),
                    ("2450", "København SV"),
                    ("2500", "Valby"),
                    ("2700", "Brønshøj"),
                ],
            ),
            ("Frederiksberg", [("2000", "Frederiksberg")]),
        ],
    },
    ward_centres=("Nordsjælland", "Amager", "Glostrup", "København", "Ballerup"),
    hospital="Nordsjællands Hospital",
)

_SJAELLAND = RegionSpec(
    name="Region Sjælland (demo)",
    slug="sjaelland",
    areas={
        "Nord": [
            ("Holbæk", [("4300", "Holbæk")]),
            ("Odsherred", [("4500", "Nykøbing Sj")]),
            ("Lejre", [("4320", "Lejre")]),
        ],
        "Syd": [
            ("Vordingborg", [("4760", "Vordingborg")]),
            ("Guldborgsund", [("4800", "Nykøbing F")]),
            ("Lolland", [("4930", "Maribo"), ("4900", "Nakskov")]),
        ],
        "Øst": [
            ("Køge", [("4600", "Køge")]),
            ("Stevns", [("4660", "Store Heddinge")]),
            ("Faxe", [("4690", "Haslev")]),
            ("Greve", [("2670", "Greve")]),
        ],
        "Vest": [
            ("Slagelse", [("4200", "Slagelse"), ("4230", "Skælskør")]),
            ("Kalundborg", [("4400", "Kalundborg")]),
            ("Sorø", [("4180", "Sorø")]),
        ],
        "Centrum": [
            ("Roskilde", [("4000", "Roskilde")]),
            ("Ringsted", [("4100", "Ringsted")]),
            ("Næstved", [("4700", "Næstved")]),
        ],
    },
    ward_centres=("Roskilde", "Slagelse", "Vordingborg"),
    hospital="Sjællands Universitetshospital",
)

_SYDDANMARK = RegionSpec(
    name="Region Syddanmark (demo)",
    slug="syddanmark",
    areas={
        "Nord": [
            ("Vejle", [("7100", "Vejle")]),
            ("Fredericia", [("7000", "Fredericia")]),
            ("Kolding", [("6000", "Kolding")]),
        ],
        "Syd": [
            ("Sønderborg", [("6400", "Sønderborg")]),
            ("Aabenraa", [("6200", "Aabenraa")]),
            ("Tønder", [("6270", "Tønder")]),
        ],
        "Øst": [
            ("Nyborg", [("5800", "Nyborg")]),
            ("Svendborg", [("5700", "Svendborg")]),
            ("Faaborg-Midtfyn", [("5750", "Ringe"), ("5600", "Faaborg")]),
        ],
        "Vest": [
            ("Esbjerg", [("6700", "Esbjerg"), ("6715", "Esbjerg N")]),
            ("Varde", [("6800", "Varde")]),
            ("Haderslev", [("6100", "Haderslev")]),
        ],
        "Centrum": [
            ("Odense", [("5000", "Odense C"), ("5200", "Odense V"), ("5220", "Odense SØ")]),
            ("Middelfart", [("5500", "Middelfart")]),
            ("Assens", [("5610", "Assens")]),
        ],
    },
    ward_centres=("Odense", "Esbjerg", "Vejle", "Aabenraa"),
    hospital="Odense Universitetshospital",
)

_MIDTJYLLAND = RegionSpec(
    name="Region Midtjylland (demo)",
    slug="midtjylland",
    areas={
        "Nord": [
            ("Randers", [("8900", "Randers C")]),
            ("Viborg", [("8800", "Viborg")]),
            ("Skive", [("7800", "Skive")]),
        ],
        "Syd": [
            ("Horsens", [("8700", "Horsens")]),
            ("Skanderborg", [("8660", "Skanderborg")]),
            ("Hedensted", [("8722", "Hedensted")]),
        ],
        "Øst": [
            ("Aarhus", [("8000", "Aarhus C"), ("8200", "Aarhus N"), ("8210", "Aarhus V")]),
            ("Syddjurs", [("8400", "Ebeltoft")]),
            ("Norddjurs", [("8500", "Grenaa")]),
        ],
        "Vest": [
            ("Herning", [("7400", "Herning")]),
            ("Holstebro", [("7500", "Holstebro")]),
            ("Ringkøbing-Skjern", [("6950", "Ringkøbing")]),
        ],
        "Centrum": [
            ("Silkeborg", [("8600", "Silkeborg")]),
            ("Favrskov", [("8450", "Hammel")]),
            ("Ikast-Brande", [("7430", "Ikast")]),
        ],
    },
    ward_centres=("Aarhus", "Herning", "Randers"),
    hospital="Aarhus Universitetshospital",
)

_NORDJYLLAND = RegionSpec(
    name="Region Nordjylland (demo)",
    slug="nordjylland",
    areas={
        "Nord": [
            ("Hjørring", [("9800", "Hjørring")]),
            ("Frederikshavn", [("9900", "Frederikshavn")]),
            ("Brønderslev", [("9700", "Brønderslev")]),
        ],
        "Syd": [
            ("Mariagerfjord", [("9500", "Hobro")]),
            ("Rebild", [("9520", "Skørping")]),
            ("Vesthimmerland", [("9600", "Aars")]),
        ],
        "Øst": [
            ("Aalborg", [("9220", "Aalborg Øst")]),
            ("Læsø", [("9940", "Læsø")]),
        ],
        "Vest": [
            ("Thisted", [("7700", "Thisted")]),
            ("Morsø", [("7900", "Nykøbing M")]),
            ("Jammerbugt", [("9490", "Pandrup"), ("9440", "Aabybro")]),
        ],
        "Centrum": [
            ("Aalborg", [("9000", "Aalborg"), ("9200", "Aalborg SV")]),
        ],
    },
    ward_centres=("Aalborg", "Brønderslev", "Thisted"),
    hospital="Aalborg Universitetshospital",
)

REGIONS = (_HOVEDSTADEN, _SJAELLAND, _SYDDANMARK, _MIDTJYLLAND, _NORDJYLLAND)

# Facility names: a prefix that fits the legal basis and a nature/place stem.
FACILITY_PREFIXES = {
    "sel_107": ("Bostedet", "Botilbuddet", "Bocentret"),
    "sel_108": ("Botilbuddet", "Bostedet", "Bocentret", "Boenheden"),
    "abl_105_sel_85": ("Bofællesskabet", "Boligerne", "Bofællesskabet", "Støttecentret"),
    "clarification": ("Afklaringsboligerne", "Afklaringsenheden"),
    "shelter_other": ("Herberget", "Forsorgshjemmet", "Krisecentret"),
    "sel_66": ("Døgninstitutionen", "Ungehuset", "Behandlingshjemmet", "Opholdsstedet"),
}
STEM_HEADS = (
    "Ege",
    "Bøge",
    "Lyng",
    "Strand",
    "Skov",
    "Sol",
    "Aske",
    "Birke",
    "Linde",
    "Elle",
    "Hassel",
    "Kilde",
    "Enge",
    "Mølle",
    "Fjord",
    "Bakke",
    "Lærke",
    "Rose",
    "Kastanje",
    "Hyld",
    "Tjørne",
    "Fyrre",
    "Pile",
    "Sø",
    "Møn",
    "Nørre",
    "Vester",
    "Kløver",
    "Mose",
    "Havre",
)
STEM_TAILS = (
    "ly",
    "gården",
    "huset",
    "høj",
    "vang",
    "lund",
    "toften",
    "bo",
    "dal",
    "bakken",
    "haven",
    "engen",
)
STANDALONE_STEMS = ("Lyngen", "Egely", "Strandly", "Kastanjen", "Fyrrebakken", "Solsikken")

TEAM_STAFF_EXTRA = (
    "pharmacist",
    "social_worker",
    "psychologist",
    "recovery_mentor",
    "psychomotor_therapist",
    "physio_occupational",
)
PROFESSION_SLUG = {
    "nurse": "sygeplejerske",
    "doctor": "laege",
    "pharmacist": "farmaceut",
    "social_worker": "socialraadgiver",
    "psychologist": "psykolog",
    "recovery_mentor": "mentor",
    "psychomotor_therapist": "psykomotoriker",
    "physio_occupational": "ergoterapeut",
    "social_educator": "paedagog",
    "leader": "teamleder",
}

# --- Clinical and workflow text ----------------------------------------------------------

REASON_OPENINGS = (
    "Paranoid skizofreni med tiltagende psykotiske symptomer.",
    "Skizofreni med hørelseshallucinationer og mistænksomhed over for personalet.",
    "Bipolar affektiv sindslidelse med hyppige skift mellem maniske og depressive episoder.",
    "Skizoaffektiv sindslidelse; aktuelt urolig og søvnløs.",
    "Tilbagevendende svære depressioner med perioder med suicidaltanker.",
    "Emotionelt ustabil personlighedsstruktur med impulsive handlinger.",
    "Psykoselidelse og samtidigt misbrug af hash og alkohol (dobbeltdiagnose).",
    "Autismespektrumforstyrrelse og psykotiske episoder under belastning.",
    "Kronisk psykose med betydelig negativ symptomatologi og social tilbagetrækning.",
    "Svær OCD og angst, der begrænser beboerens hverdag væsentligt.",
    "Skizotypisk sindslidelse med periodevis forværring og isolation.",
    "PTSD og psykotiske symptomer efter mange års hjemløshed.",
)
REASON_DETAILS = (
    "Fire indlæggelser det seneste år, heraf to tvangsindlæggelser.",
    "Har flere gange afvist at tage sin medicin, og personalet har observeret medicinsvigt.",
    "To episoder med magtanvendelse på botilbuddet den seneste måned.",
    "Udadreagerende over for medbeboere og personale i forbindelse med forværring.",
    "Selvskade (rifter på underarmene) flere gange de seneste uger.",
    "Lang indlæggelse (fire måneder) med udskrivelse til botilbuddet for nylig.",
    "Polyfarmaci og betydelige bivirkninger (vægtøgning, sedation).",
    "Manglende sygdomsindsigt; ønsker ikke kontakt til distriktspsykiatrien.",
    "Somatisk komorbiditet (type 2-diabetes, KOL) og usund livsstil.",
    "Stigende forbrug af rusmidler og gæld til medbeboere.",
    "Spiser og sover meget lidt og forlader sjældent sin lejlighed.",
    "Har udeblevet fra de sidste tre ambulante aftaler.",
)
REASON_NEEDS = (
    "Behov for udgående psykiatrisk udredning og behandling på botilbuddet.",
    "Henvises med henblik på medicingennemgang og justering af behandlingen.",
    "Ønsker tæt ambulant opfølgning efter udskrivelse og en fælles kriseplan med botilbuddet.",
    "Behov for suicidalrisikovurdering og koordinering med botilbuddets personale.",
    "Henvises til vurdering af behov for integreret behandling af misbrug.",
    "Behov for koordinering mellem psykiatrisk og somatisk behandling.",
    "Henvises med henblik på at forebygge genindlæggelser og tvang.",
    "Beboeren er informeret om tilbuddet og ønsker kontakt til botilbudsteamet.",
)
CRITERIA_OTHER = (
    "",
    "",
    "",
    "Pårørende (søster) ønsker at deltage i netværksmøder.",
    "Beboeren har værge; værgen er orienteret.",
    "Kommunal misbrugsbehandling er involveret.",
)
ACCEPT_REASONS = (
    "Opfylder målgruppekriterierne. Visiteret til forløb i botilbudsteamet.",
    "Visiteret. Svær psykisk lidelse med nedsat funktionsevne og hyppige indlæggelser.",
    "Visiteret efter drøftelse på visitationskonferencen. Første besøg aftalt med botilbuddet.",
    "Visiteret. Medicinsvigt og manglende sygdomsindsigt; opstart med medicingennemgang.",
)
REJECT_REASONS = (
    "Ikke visiteret: stabil tilstand og velbehandlet i distriktspsykiatrien.",
    "Ikke visiteret: primært behov for misbrugsbehandling. Henvist til kommunal "
    "misbrugsbehandling; genhenvisning er mulig.",
    "Ikke visiteret: ved teamets vurdering ikke tegn på svær psykisk lidelse med nedsat "
    "funktionsevne. Egen læge fortsætter behandlingen.",
    "Ikke visiteret: beboeren er i forløb i specialiseret ambulatorium, som fortsætter.",
)
WITHDRAW_REASONS = (
    "Beboeren har trukket sit samtykke til henvisningen tilbage.",
    "Henviser har trukket henvisningen tilbage; beboeren følges i stedet i distriktspsykiatrien.",
    "Trukket tilbage: henvisningen er erstattet af en henvisning til specialiseret behandling.",
)
# A held referral that the resident's facility did not confirm (the team never sees them).
NOT_CONFIRMED_REASONS = (
    "Ikke bekræftet: beboeren ønsker ikke kontakt med botilbudsteamet og har ikke givet "
    "samtykke til henvisningen.",
    "Ikke bekræftet: beboeren kender ikke til henvisningen. Vi taler med beboeren og "
    "henviser selv, hvis beboeren ønsker det.",
)
# A proposed move that someone who acts for the resident rejected.
MOVE_REJECT_NOTES = (
    "Afvist: navnet i forslaget passer ikke med vores beboer, som fortsat bor her. "
    "Kontrollér CPR-nummeret, og registrér igen.",
    "Afvist: beboeren er ikke flyttet og bor fortsat hos os. Ring til os, hvis der er tale "
    "om en fejl.",
)
CONCERN_DESCRIPTIONS = (
    "Beboeren har de sidste to uger isoleret sig i sin lejlighed og vil ikke lukke personalet ind.",
    "Vi oplever, at beboeren ikke tager sin medicin og virker mere mistænksom over for os.",
    "Beboeren har haft flere konflikter med medbeboere og har truet en medarbejder.",
    "Beboeren sover meget lidt, taler hurtigt og har brugt alle sine penge på få dage.",
    "Beboeren giver udtryk for håbløshed og har sagt, at det hele er ligegyldigt.",
    "Øget forbrug af hash og alkohol; beboeren har været væk fra botilbuddet flere nætter.",
    "Beboeren hører stemmer, der siger, at maden er forgiftet, og spiser meget lidt.",
    "Beboeren har skadet sig selv to gange den seneste uge.",
    "Beboeren er blevet mere forvirret og har svært ved at klare personlig hygiejne.",
    "Beboeren har taget på i vægt og klager over træthed; vi er usikre på medicinen.",
)
CONCERN_ENDINGS = (
    "",
    " Vi vil gerne have teamets vurdering.",
    " Kan I se på det ved næste besøg?",
    " Beboeren er indforstået med, at vi kontakter jer.",
)
CONCERN_CLOSE_NOTES = (
    "Drøftet på overbliksmødet. Beboeren følges af egen læge og distriktspsykiatrien; ikke "
    "behov for henvisning nu. Botilbuddet kontakter teamet igen ved forværring.",
    "Teamet har talt med beboeren og personalet. Symptomerne er aftaget efter justering af "
    "medicin hos egen læge. Afsluttet uden henvisning.",
    "Beboeren ønsker ikke at blive henvist og er informeret om tilbuddet. Personalet observerer "
    "og tager bekymringen op igen på næste møde.",
    "Beboeren er allerede i behandling i specialiseret ambulatorium; koordinering aftalt direkte "
    "med ambulatoriet.",
)
END_SUMMARIES = {
    "completed": (
        "Stabil gennem længere tid. Kriseplan opdateret og udleveret til beboer og botilbud. "
        "Overgår til egen læge med epikrise.",
        "Behandlingsmålene er nået. Medicinen er uændret i et halvt år; botilbuddet kender "
        "de tidlige tegn på forværring og ved, hvem de skal kontakte.",
    ),
    "moved": (
        "Beboeren er flyttet til andet botilbud. Overlevering til det nye botilbudsteam ved "
        "telefonisk konference; epikrise og kriseplan sendt.",
    ),
    "other_offer": (
        "Overgår til specialiseret ambulant behandling efter fælles netværksmøde.",
        "Overgår til distriktspsykiatrien; behandlingsplan og kriseplan overleveret.",
    ),
    "declined": (
        "Beboeren ønsker ikke længere kontakt til teamet. Informeret om muligheden for "
        "genhenvisning; egen læge orienteret.",
    ),
    "other": ("Forløbet afsluttet efter aftale med beboer og botilbud.",),
}
END_TRANSITIONS = {
    "completed": ("gp", "community_psychiatry", "municipal"),
    "other_offer": ("specialised", "community_psychiatry"),
    "declined": ("gp", "none"),
    "other": ("other", "gp"),
}
REFERRER_PRACTICE = ("Lægehuset", "Lægerne", "Lægepraksis")

# --- The overview board, its meetings and the questions between them (btt.demo.board) -------
# Placeholders: {name} the resident's first name, {date} "12.03", {due} "fredag" or "d. 12.03".

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
BOARD_INVOLVED = (
    "egen læge",
    "misbrugscenter",
    "mor",
    "far",
    "søster",
    "bror",
    "værge",
    "sagsbehandler i kommunen",
    "hjemmesygeplejen",
    "jobcenter",
    "kommunal rusmiddelbehandling",
    "tandlæge",
    "specialambulatoriet",
    "kriminalforsorgen",
    "bostøtte fra kommunen",
)
BOARD_NEED_OPENINGS = (
    "{name} har brug for en tættere, fælles indsats i en periode.",
    "Personalet og teamet er bekymrede for {name}.",
    "{name} har haft det sværere end vanligt de seneste uger.",
    "Sat på tavlen efter drøftelse med {name}.",
    "{name} er i en ustabil periode.",
    "Vi ser tegn på, at {name} er på vej ind i en forværring.",
    "{name} siger selv, at det går dårligt lige nu.",
    "{name} har brug for, at vi trækker i samme retning.",
)
BOARD_NEED_BY_CRITERION = {
    "admissions": (
        "Tre indlæggelser det seneste halve år, senest i fire uger.",
        "Har været indlagt mange gange; indlæggelserne bliver længere.",
    ),
    "complex": (
        "Samtidig sukkersyge og gæld gør hverdagen uoverskuelig.",
        "Mange aktører er involveret, og aftalerne bliver ikke fulgt op.",
    ),
    "aggression_force": (
        "To episoder med magtanvendelse den seneste måned; råber ad medbeboere.",
        "Har skadet sig selv flere gange; personalet er utrygge ved aftenvagterne.",
    ),
    "no_insight": (
        "Mener ikke selv at være syg og vil ikke tale om medicinen.",
        "Afviser kontakt til teamet, men tager imod personalet.",
    ),
    "early_signs": (
        "Sover dårligt, er mere mistænksom og trækker sig (tidlige tegn fra kriseplanen).",
        "Taler hurtigere, bruger mange penge og har svært ved at falde til ro om aftenen.",
    ),
    "admission_near": (
        "Planlagt indlæggelse til medicinomlægning; udskrivelsen skal forberedes sammen.",
        "Kort indlæggelse i sidste uge; skal følges tæt den første tid.",
    ),
    "discharge": (
        "Udskrevet for nylig efter lang indlæggelse; de første uger er sårbare.",
        "Udskrivningssamtale holdt med afsnittet; aftalerne skal føres ud i livet her.",
    ),
    "medication_failure": (
        "Har flere gange sprunget medicinen over; doseringsæskerne står urørte.",
        "Vil ikke tage depotinjektionen og er udeblevet fra to aftaler.",
    ),
    "crisis_red": (
        "Kriseplanen er i rød fase: hører befalende stemmer og spiser ikke.",
        "Rød fase i kriseplanen; personalet har ringet til teamet flere gange i denne uge.",
    ),
    "substance": (
        "Stigende forbrug af hash og alkohol; har været væk fra botilbuddet flere nætter.",
        "Har gæld til medbeboere og køber piller på gaden.",
    ),
    "other": (
        "Konflikt med familien fylder meget og giver uro.",
        "Skal flytte til en anden lejlighed i botilbuddet og er utryg ved det.",
    ),
}
BOARD_GOALS_SHORT = (
    "Tager sin medicin hver dag de næste fire uger; personalet ser indtaget.",
    "Sover mindst seks timer om natten inden næste opfølgning.",
    "Deltager i mindst ét måltid i fællesskabet om dagen.",
    "Holder de aftalte samtaler med kontaktperson BTT hver uge.",
    "Ingen episoder med magtanvendelse den næste måned.",
    "Blodprøver (lithium, nyretal) taget inden næste tavlemøde.",
    "Kriseplanen gennemgået og opdateret sammen med beboeren.",
    "Færre dage med hash; beboeren fører selv dagbog over forbruget.",
    "Kommer ud af lejligheden hver dag, fx en gåtur med personalet.",
    "Møder op til første samtale i misbrugscentret.",
    "Tager imod depotinjektionen til tiden (hver 14. dag).",
    "Spiser tre måltider om dagen og vejes hver uge.",
)
BOARD_GOALS_LONG = (
    "Ingen indlæggelser det næste halve år.",
    "Stabil medicinsk behandling, som beboeren selv kan stå inde for.",
    "Beboeren kender sine tidlige tegn og siger selv til, når de viser sig.",
    "Færre konflikter med medbeboere og personale; ingen tvang det næste år.",
    "Et dagtilbud eller beskæftigelse, som beboeren trives med.",
    "Klarer selv medicinhåndteringen med støtte fra personalet.",
    "Genoptaget kontakt til familien på beboerens præmisser.",
    "Mindre forbrug af rusmidler og i gang med behandling i kommunalt regi.",
    "Kan flytte til en mindre indgribende boform.",
    "Bedre fysisk sundhed med fast kontakt til egen læge og tandlæge.",
)
BOARD_RESIDENT_GOALS = (
    "Jeg vil gerne kunne sove om natten.",
    "Jeg vil have ro i hovedet og slippe for stemmerne.",
    "Jeg vil gerne se min datter hver anden weekend.",
    "Jeg vil ikke indlægges igen.",
    "Jeg vil gerne have mindre medicin, fordi jeg tager på.",
    "Jeg vil gerne tilbage til at spille fodbold.",
    "Jeg vil have styr på mine penge, så jeg ikke skylder nogen noget.",
    "Jeg vil gerne have et arbejde, bare et par timer om ugen.",
    "Jeg vil gerne kunne tage bussen ind til byen selv.",
    "Jeg vil stoppe med at ryge hash, men ikke lige nu.",
    "Jeg vil gerne have en hund en dag.",
    "Jeg vil bare gerne have det lidt bedre end nu.",
    "Jeg vil gerne flytte i egen lejlighed.",
)
BOARD_RESIDENT_INFORMED = (
    "Informeret af kontaktperson {date}, mundtligt.",
    "Informeret af kontaktperson BTT og botilbud {date} ved fælles samtale.",
    "Informeret {date}, mundtligt og med en kopi af tavlens punkter.",
    "Informeret af kontaktperson {date}; beboeren ønskede ikke at se tavlen.",
    "Drøftet med beboeren {date}; beboeren er enig i målene.",
    "Informeret {date} ved samtale med sygeplejerske fra teamet.",
    "Informeret {date}; værgen orienteret pr. telefon samme dag.",
    "Informeret af kontaktperson {date}, mundtligt. Vil gerne deltage i næste møde.",
    "Informeret {date} ved medicinudlevering; tages op igen ved næste samtale.",
    "Informeret {date} ved netværksmøde med pårørende.",
)
BOARD_SOCIAL = (
    "Daglig kontakt med kontaktperson; struktureret dagsplan på køleskabet.",
    "Personalet ser medicinindtag morgen og aften og giver teamet besked ved svigt.",
    "Ugentlig gåtur og indkøb sammen med kontaktperson.",
    "Aftenvagten kigger ind kl. 22; skærmet måltid på værelset ved behov.",
    "Støtte til kontakt med sagsbehandler og et budget for ugen.",
    "Motivationssamtaler om forbruget; aftale om, at der ikke ryges hash på fællesarealer.",
    "Faste tider for bad og tøjvask med støtte.",
    "Observerer søvn og tidlige tegn efter kriseplanen og noterer i dagbogen.",
    "Følges til aftaler hos egen læge og tandlæge.",
    "Skærmning i perioder med uro; rolige samtaler frem for konfrontation.",
    "Støtte til at komme i værkstedet to formiddage om ugen.",
    "Hjælp til at holde kontakt med familien; telefonsamtale med mor hver søndag.",
)
BOARD_TREATMENT = (
    "Ugentlige samtaler med kontaktperson BTT; kriseplanen er opdateret.",
    "Medicingennemgang ved farmaceut; antipsykotikum reduceret efter aftale med beboeren.",
    "Depotinjektion hver 14. dag på botilbuddet; effekt og bivirkninger følges.",
    "Lægesamtale hver 4. uge; vurdering af behov for indlæggelse ved forværring.",
    "Selvmordsrisikovurdering ved hver samtale i den aktuelle periode.",
    "Blodprøvekontrol (lithium) hver måned; EKG bestilt.",
    "Psykoedukation om tidlige tegn; fælles kriseplan med botilbuddet.",
    "Vurdering af integreret misbrugsbehandling; kontakt til kommunens rusmiddelcenter.",
    "Opstart af clozapin med ugentlige blodprøver.",
    "Samtaler ved psykolog om angst og søvn (seks gange).",
    "Telefonisk sparring til personalet i dagtid ved uro.",
    "KRAM-samtale; henvist til egen læge på grund af vægtøgning og højt blodtryk.",
)
BOARD_ENDINGS = {
    "goals_met": (
        "Afsluttet ved samtale med beboer {date}; målene er nået, og beboeren er enig.",
        "Afsluttet ved samtale med beboer {date}; sover og spiser igen, kriseplanen er opdateret.",
    ),
    "stable": (
        "Afsluttet ved samtale med beboer {date}; stabil i to måneder, følges ved faste besøg.",
        "Afsluttet ved samtale med beboer {date}; ingen tidlige tegn siden medicinjusteringen.",
    ),
    "admitted": (
        "Afsluttet ved samtale med beboer {date} under indlæggelsen; tages op ved udskrivelse.",
        "Afsluttet {date}: indlagt. Teamet følger under indlæggelsen.",
    ),
    "moved": (
        "Afsluttet ved samtale med beboer {date}; fraflyttet, overleveret til nyt botilbud.",
        "Afsluttet {date} ved fraflytning; kriseplan og tavlens punkter overleveret.",
    ),
    "course_ended": (
        "Afsluttet ved samtale med beboer {date}; forløbet er afsluttet, egen læge overtager.",
        "Afsluttet ved samtale med beboer {date} sammen med afslutningen af forløbet.",
    ),
    "other": (
        "Afsluttet ved samtale med beboer {date}; ønsker ikke længere at være på tavlen.",
        "Afsluttet ved samtale med beboer {date}; indsatsen fortsætter i botilbuddets regi.",
    ),
}
BOARD_NOTES = (
    "{name} har haft en rolig uge og tager medicinen.",
    "Personalet oplever {name} mere urolig om aftenen; sover dårligt.",
    "{name} var med de første fem minutter og fortalte selv om ugen.",
    "Medicinen tages nu hver dag; {name} er træt om morgenen.",
    "{name} har været væk to nætter; kom selv hjem og var beruset.",
    "Kontaktperson BTT har haft samtale med {name}; stemmerne fylder mindre.",
    "{name} er begyndt i værkstedet igen og er glad for det.",
    "Konflikt med en medbeboer i weekenden; ingen magtanvendelse.",
    "{name} har ikke ønsket samtale med teamet denne uge.",
    "Blodprøverne er taget; lægen har gennemgået svarene.",
    "{name} har talt med sin mor i telefon og var glad bagefter.",
    "Spiser bedre; har taget to kilo på siden sidst.",
)
BOARD_DECISIONS = (
    "Fortsætter som aftalt; opfølgning {date}.",
    "Lægen ser {name} ved næste besøg mhp. justering af medicinen.",
    "Personalet noterer søvn i dagbogen hver morgen frem til næste møde.",
    "Kriseplanen gennemgås med {name} i næste uge.",
    "Ingen ændringer; vi ser det an en uge mere.",
    "Teamet tilbyder en ekstra samtale i denne uge.",
    "Netværksmøde med pårørende planlægges, hvis {name} ønsker det.",
    "Personalet følger {name} til misbrugscentret.",
    "Medicinen dispenseres i doseringsæske fremover.",
    "Opfølgningsdato flyttet til {date}.",
    "Vi overvejer at tage {name} af tavlen ved næste møde.",
    "Aftalt, at {name} selv deltager i næste møde.",
)
BOARD_DECISION_ENDED = "Tages af tavlen ({reason}). Afslutningen er talt igennem med {name}."
BOARD_ACTIONS = {
    "team": (
        "Kontaktperson BTT taler med {name} om medicinen inden {due}.",
        "Teamets sygeplejerske bestiller blodprøver til {name} inden {due}.",
        "Lægen vurderer sovemedicinen sammen med {name} inden {due}.",
        "Kriseplanen gennemgås med {name} og sendes til botilbuddet inden {due}.",
        "Teamet sender opdateret medicinliste for {name} til botilbuddet inden {due}.",
        "Teamet beder farmaceuten gennemgå medicinen for {name} inden {due}.",
        "Teamet ringer til afsnittet om udskrivelsen af {name} inden {due}.",
        "Lægen skriver til egen læge om blodtrykket hos {name} inden {due}.",
    ),
    "facility": (
        "Kontaktperson taler med {name} om medicin inden {due}.",
        "Botilbuddet ringer til egen læge om blodtrykket hos {name} inden {due}.",
        "Kontaktperson følger {name} til første samtale i misbrugscentret inden {due}.",
        "Personalet laver en dagsplan sammen med {name} inden {due}.",
        "Kontaktperson spørger {name}, om mor må deltage i netværksmødet, inden {due}.",
        "Tid hos tandlægen bestilt og {name} informeret inden {due}.",
        "Botilbuddet aftaler et møde om økonomi med sagsbehandleren inden {due}.",
        "Personalet noterer søvn hos {name} hver morgen frem til {due}.",
    ),
}
# (direction, kind) -> texts. Housing staff ask the team; the team asks housing staff.
BOARD_QUESTIONS = {
    ("to_team", "question"): (
        "Må jeg lige spørge jer om noget vedrørende {name}? Hvornår starter den nye dosis?",
        "{name} spørger selv, om lægen kan komme forbi i næste uge. Kan det lade sig gøre?",
        "Skal vi give pn-medicin til {name}, når uroen kommer om aftenen, eller ringe først?",
        "{name} har fået udslæt på armene. Kan det være den nye medicin?",
        "Hvornår er næste depotinjektion til {name}? Den står ikke i vores kalender.",
        "Kan I tage en samtale med {name} om hashforbruget ved næste besøg?",
        "{name} vil gerne trappe ned på medicinen. Hvad skal vi svare?",
        "Er der sendt en ny kriseplan for {name}? Vi har kun den gamle.",
    ),
    ("to_team", "update"): (
        "Jeg har lige noget, jeg vil informere jer om i forhold til {name}: har ikke sovet i to nætter.",
        "{name} var på skadestuen i weekenden efter et fald; intet brud.",
        "Til orientering: {name} har afvist morgenmedicinen tre dage i træk.",
        "{name} har haft besøg af sin mor, og det gik godt.",
        "{name} har selv bedt om at komme med til næste tavlemøde.",
        "Til orientering: {name} har fået ny sagsbehandler i kommunen.",
        "{name} er begyndt at spise med i fællesskabet igen.",
        "Nattevagten fandt {name} vågen og bange kl. 3; faldt til ro efter en snak.",
    ),
    ("to_facility", "question"): (
        "Hvordan har {name} haft det, siden vi var her sidst?",
        "Har {name} taget medicinen hver dag i denne uge?",
        "Hvordan sover {name} efter ændringen af sovemedicinen?",
        "Kan I nå at få taget blodprøven på {name} inden torsdag?",
        "Har {name} været til tandlægen som aftalt?",
        "Hvordan gik besøget hos egen læge for {name}?",
        "Er {name} stadig interesseret i at komme med i værkstedet?",
        "Kan en af jer være med til samtalen med {name} på mandag?",
    ),
    ("to_facility", "update"): (
        "Til orientering: {name} har fået ny dosis fra i dag; se medicinlisten.",
        "Vi har talt med {name} om kriseplanen; den nye udgave ligger i mappen.",
        "Lægen har ordineret blodprøver til {name} i næste uge.",
        "{name} aflyste samtalen i dag; vi kommer igen torsdag.",
        "Til orientering: depotinjektionen til {name} er flyttet til fredag.",
        "{name} er henvist til psykolog; ventetiden er cirka seks uger.",
        "Vi har talt med afsnittet; {name} bliver sandsynligvis udskrevet mandag.",
        "{name} fortalte selv om stemmerne; vi taler videre i næste uge.",
    ),
}
# The answer to each question above, in the same order.
BOARD_ANSWERS = {
    ("to_team", "question"): (
        "Lægen har ordineret den nye dosis fra mandag; medicinlisten er opdateret.",
        "Ja, lægen kommer med på besøget tirsdag.",
        "Giv pn efter ordinationen; ring, hvis det ikke har hjulpet efter en time.",
        "Det kan godt være medicinen. Vi kigger på det i morgen.",
        "Næste injektion er på fredag; vi har sendt datoerne for resten af året.",
        "Ja, vi tager det op ved samtalen på torsdag.",
        "Sig, at lægen gerne vil tale om det; vi aftaler en tid med {name}.",
        "Den nye kriseplan er sendt i dag.",
    ),
    ("to_team", "update"): (
        "Tak. Vi kommer forbi i morgen formiddag.",
        "Tak for beskeden; det er noteret i journalen.",
        "Tak. Lægen ser på det ved besøget i næste uge.",
        "Dejligt at høre.",
        "Godt, vi tager {name} med på dagsordenen.",
        "Tak, vi har opdateret kontaktoplysningerne.",
        "Godt at høre; det tager vi med på mødet.",
        "Tak. Vi taler med {name} om søvnen ved næste samtale.",
    ),
    ("to_facility", "question"): (
        "Svingende; vi tager det op på mødet.",
        "Ja, alle dage, men morgenmedicinen bliver tit forsinket.",
        "Sover bedre, men vågner stadig tidligt.",
        "Ja, blodprøven bliver taget onsdag morgen.",
        "Ja, og der skal ikke laves mere.",
        "Det gik fint; lægen vil se {name} igen om en måned.",
        "Ja, {name} starter i værkstedet i næste uge.",
        "Ja, kontaktpersonen er med.",
    ),
    ("to_facility", "update"): (
        "Tak, vi har orienteret aftenvagten.",
        "Tak, vi har læst den på personalemødet.",
        "Tak, vi minder {name} om det.",
        "Tak for beskeden.",
        "Tak, den er skrevet ind i vores kalender.",
        "Tak, {name} er orienteret.",
        "Tak. Vi gør lejligheden klar.",
        "Tak, vi spørger ind til det i løbet af ugen.",
    ),
}
