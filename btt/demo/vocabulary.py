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
