"""Danish text fragments for the demo course record (``btt.demo.record``): synthetic only.

Placeholders: {name} the resident's first name, {contact} a first name of the facility's staff,
{nurse} a first name of the team's staff, {drug} a drug, {ward} a psychiatric ward, {date}
"12.03". Every text is put together from two or three fragments, so that entries vary.
"""

from __future__ import annotations

# --- Medication ------------------------------------------------------------------------------
# (drug, strengths, dose (amount, unit) or None for as needed, frequency, reason, weight)
DRUGS = (
    (
        "Olanzapin",
        ("5 mg", "10 mg", "15 mg"),
        ("1", "tablet"),
        "Til natten",
        "Psykotiske symptomer",
        9,
    ),
    ("Aripiprazol", ("10 mg", "15 mg"), ("1", "tablet"), "Morgen", "Skizofreni", 8),
    (
        "Quetiapin",
        ("25 mg", "100 mg", "200 mg"),
        ("1", "tablet"),
        "Aften",
        "Psykotiske symptomer og søvnbesvær",
        8,
    ),
    ("Risperidon", ("1 mg", "2 mg"), ("1", "tablet"), "Morgen og aften", "Psykose", 5),
    (
        "Clozapin",
        ("100 mg", "200 mg"),
        ("1", "tablet"),
        "Morgen og aften",
        "Behandlingsresistent skizofreni",
        4,
    ),
    (
        "Paliperidon depotinjektion",
        ("100 mg",),
        ("100", "mg"),
        "Hver 4. uge",
        "Skizofreni; depot ved medicinsvigt",
        4,
    ),
    (
        "Zuclopenthixol depotinjektion",
        ("200 mg/ml",),
        ("1", "ml"),
        "Hver 2. uge",
        "Paranoid skizofreni",
        2,
    ),
    (
        "Lithium",
        ("12 mmol", "18 mmol"),
        ("1", "tablet"),
        "Morgen og aften",
        "Bipolar affektiv sindslidelse",
        4,
    ),
    (
        "Lamotrigin",
        ("100 mg", "200 mg"),
        ("1", "tablet"),
        "Morgen",
        "Forebyggelse af depressive episoder",
        3,
    ),
    ("Sertralin", ("50 mg", "100 mg"), ("1", "tablet"), "Morgen", "Depression og angst", 6),
    ("Escitalopram", ("10 mg", "20 mg"), ("1", "tablet"), "Morgen", "Depression", 5),
    (
        "Mirtazapin",
        ("15 mg", "30 mg"),
        ("1", "tablet"),
        "Til natten",
        "Depression med søvnbesvær",
        5,
    ),
    ("Venlafaxin", ("75 mg", "150 mg"), ("1", "capsule"), "Morgen", "Depression", 3),
    ("Melatonin", ("2 mg", "3 mg"), ("1", "tablet"), "Til natten", "Søvnbesvær", 6),
    ("Oxazepam", ("15 mg",), None, "Efter behov, højst 3 gange i døgnet", "Angst og uro", 5),
    ("Promethazin", ("25 mg",), None, "Efter behov til natten", "Uro og søvnløshed", 4),
    ("Metformin", ("500 mg",), ("2", "tablet"), "Morgen og aften", "Type 2-diabetes", 4),
    ("Atorvastatin", ("20 mg", "40 mg"), ("1", "tablet"), "Aften", "Forhøjet kolesterol", 3),
    ("Amlodipin", ("5 mg",), ("1", "tablet"), "Morgen", "Forhøjet blodtryk", 3),
    ("Pantoprazol", ("20 mg", "40 mg"), ("1", "tablet"), "Morgen", "Mavesyre", 3),
    ("Laktulose", ("667 mg/ml",), ("15", "ml"), "Morgen", "Forstoppelse (bivirkning)", 3),
    ("Paracetamol", ("500 mg",), None, "Efter behov, højst 4 gange i døgnet", "Smerter", 4),
    ("Nikotintyggegummi", ("2 mg",), None, "Efter behov, højst 15 om dagen", "Rygestop", 2),
    (
        "Disulfiram",
        ("200 mg",),
        ("1", "tablet"),
        "Mandag, onsdag og fredag",
        "Alkoholafhængighed",
        1,
    ),
    ("Salbutamol inhalator", ("0,1 mg/dosis",), ("2", "puff"), "Efter behov", "KOL", 2),
)
PRESCRIBERS = (
    "Teamlæge, {team}",
    "Egen læge",
    "Overlæge, {ward}",
    "Teamlæge, {team}",
    "Distriktspsykiatrien",
)
STOP_REASONS = (
    "Seponeret pga. vægtøgning og træthed.",
    "Udtrappet efter beboerens ønske.",
    "Skiftet til depotbehandling.",
    "Ingen effekt efter otte uger.",
    "Seponeret under indlæggelse.",
)

# --- Contacts --------------------------------------------------------------------------------
VISIT_OPENINGS = (
    "Samtale med {name} i lejligheden.",
    "Besøg hos {name} sammen med kontaktpersonen {contact}.",
    "{name} tog imod i fællesstuen; samtalen blev holdt i samtalerummet.",
    "Planlagt besøg. {name} var klar og havde skrevet spørgsmål ned.",
    "Kort besøg; {name} ville helst tale i døren.",
    "Gåtur med {name} rundt om søen, samtalen foregik undervejs.",
    "Telefonsamtale med {name}, der selv ringede til teamet.",
    "Samtale med {name} over video, fordi {name} ikke ønskede besøg i dag.",
)
VISIT_STATE = (
    "Sover bedre og er mere i kontakt med personalet.",
    "Fortæller om mere uro om aftenen og at stemmerne er tydeligere.",
    "Stemningsleje let sænket; ingen selvmordstanker.",
    "Virker mistænksom og afvisende; vil ikke tale om medicinen.",
    "Har været i Netto alene to gange i denne uge og er stolt af det.",
    "Klager over træthed og vægtøgning; spørger til at skifte medicin.",
    "Har haft besøg af sin søster og er glad for det.",
    "Har ikke sovet de sidste nætter og har gået meget rundt på gangen.",
    "Fortæller om gæld til en medbeboer og er bekymret for det.",
    "Tager medicinen fast morgen og aften ifølge botilbuddet.",
    "Har røget mere hash i weekenden; vil gerne tale om at skære ned.",
    "Er mere i gang med hverdagsaktiviteter og har været med i værkstedet.",
    "Bekymret for en kommende samtale på jobcentret.",
    "Hørte stemmer under samtalen, men kunne skelne dem fra samtalen.",
)
VISIT_PLAN = (
    "Fortsætter som aftalt; næste besøg om en uge.",
    "Aftalt medicingennemgang med teamlægen.",
    "Kontaktpersonen holder øje med søvnen og ringer ved forværring.",
    "Gennemgået kriseplanen sammen; ingen ændringer.",
    "Aftalt blodprøver hos egen læge.",
    "Næste samtale om to uger; ring før, hvis det bliver sværere.",
    "Aftalt at {name} selv prøver at handle ind med støtte fra {contact}.",
    "Drøftes på næste tavlemøde.",
)
VISIT_PARTICIPANTS = (
    "",
    "",
    "Kontaktperson {contact}",
    "{contact} fra botilbuddet",
    "Teamlæge",
    "Pårørende (efter aftale med beboeren)",
)
ADVICE_QUESTIONS = (
    "{name} vil ikke tage aftenmedicinen og er urolig.",
    "{name} har ikke spist i to dage og bliver på værelset.",
    "{name} råber ad stemmer om natten og vækker de andre beboere.",
    "Spørgsmål om PN-medicin kan gives igen, når den første dosis ikke har virket.",
    "{name} har fået udslæt efter den nye medicin.",
    "{name} har været væk fra botilbuddet siden i går og tager ikke telefonen.",
    "{name} har truet en medbeboer og er meget vred.",
    "{name} siger, at det hele er ligegyldigt, og at {name} ikke orker mere.",
    "Hvordan skal vi forholde os til, at {name} har drukket i weekenden?",
    "{name} fortæller om svimmelhed om morgenen efter dosisøgningen.",
)
ADVICE_ANSWERS = (
    "Tilbyd medicinen igen om en time; ring igen, hvis uroen tager til.",
    "Følg kriseplanens gule fase. Teamet kommer på besøg i morgen formiddag.",
    "Giv PN efter ordinationen og observer. Ved fortsat uro: ring til akutmodtagelsen.",
    "Stop ikke medicinen selv; teamlægen ringer tilbage i eftermiddag.",
    "Hold kontakten, tilbyd mad og drikke, og noter hvad {name} spiser i dag.",
    "Ved selvmordstanker: bliv hos {name}, og ring til akutpsykiatrien. Teamet orienteres.",
    "Forsøg at få kontakt via {name}s søster; kontakt politiet, hvis {name} ikke er hjemme "
    "i aften.",
    "Mål blodtryk liggende og stående; teamet ser på dosis ved næste besøg.",
    "Skab ro og giv plads; tal med {name} alene, når det er faldet til ro.",
)
CALLERS = (
    "Kontaktperson {contact}",
    "{contact} på aftenvagt",
    "{contact}, dagvagt",
    "Afdelingsleder",
    "{contact} (weekendvagt)",
)
NETWORK_AGENDAS = (
    "Status på behandlingsplanen; samarbejde om medicin.",
    "Opfølgning efter indlæggelse og opdatering af kriseplanen.",
    "Misbrug og aftaler om weekender.",
    "Økonomi, gæld og kontakt til kommunen.",
    "Beboerens egne mål for det næste halve år.",
    "Planlægning af afslutning af forløbet.",
)
NETWORK_OUTCOMES = (
    "Fælles plan for weekender; nyt møde om tre måneder.",
    "Kriseplanen opdateres; botilbuddet får en kopi.",
    "Kommunen undersøger mulighed for bostøtte i dagtimerne.",
    "Aftalt at {name} selv deltager i næste møde hele tiden.",
    "Medicinhåndteringen fortsætter uændret; blodprøver hver 3. måned.",
    "Henvisning til integreret behandling drøftes med {name}.",
    "Næste møde efter udskrivelsen; teamet indkalder.",
)
NETWORK_OTHERS = (
    "",
    "",
    "Rusmiddelkonsulent fra kommunen",
    "Sagsbehandler fra kommunen",
    "Værge",
    "Distriktspsykiatrien",
)
EXTERNAL_NOTES = {
    "gp": (
        "Aftalt blodprøvekontrol hos egen læge i næste uge.",
        "Egen læge orienteret om medicinændringen; epikrise sendt.",
        "Egen læge følger blodtrykket; ny måling om en måned.",
        "Drøftet vægtøgning med egen læge; henvist til diætist.",
    ),
    "home_nursing": (
        "Hjemmesygeplejen overtager dosering af medicinen fra mandag.",
        "Hjemmesygeplejen oplyser, at to doser er fundet i skuffen.",
        "Aftalt med hjemmesygeplejen, at depotinjektionen gives på botilbuddet.",
    ),
    "substance_treatment": (
        "Samtale med rusmiddelcentret; {name} er tilmeldt samtaleforløb.",
        "Rusmiddelcentret oplyser, at {name} ikke er mødt de sidste to gange.",
    ),
    "other": (
        "Tandlægen har fået besked om medicinen før behandling.",
        "Jobcentret orienteret om, at samtalen må udskydes.",
        "Apoteket kontaktet om dosisdispensering.",
    ),
}
EXTERNAL_WHO = {
    "gp": ("Lægehuset Torvet", "Lægerne i Bykernen", "Lægehuset ved Stationen", ""),
    "home_nursing": ("Hjemmesygeplejen, distrikt Nord", "Hjemmesygeplejen", ""),
    "substance_treatment": ("Rusmiddelcentret", "Kommunens misbrugscenter"),
    "other": ("Tandlægen", "Jobcentret", "Apoteket", ""),
}

# --- Events ----------------------------------------------------------------------------------
ADMISSION_NOTES = (
    "Indlagt efter tiltagende psykotiske symptomer og søvnløshed.",
    "Indlagt efter selvmordstanker med plan; fulgt til akutmodtagelsen af personalet.",
    "Indlagt efter medicinsvigt over flere uger.",
    "Planlagt indlæggelse til medicinomlægning.",
    "Indlagt efter udadreagerende adfærd over for personalet.",
    "Indlagt efter flere nætter uden søvn og manglende fødeindtag.",
    "",
)
COMPULSORY_ADMISSION_NOTES = (
    "Tvangsindlagt på gule papirer efter vurdering af vagtlæge.",
    "Tvangsindlagt på røde papirer; politiet bistod.",
    "Tvangsindlagt efter trusler mod personalet og manglende sygdomsindsigt.",
)
ADMISSION_ROLE_NOTES = {
    "admission_talk": (
        "Deltog i indlæggelsessamtalen; kriseplan og medicinliste overleveret til afsnittet.",
        "Telefonisk overlevering til afsnittet om forløbet og de seneste ugers forværring.",
    ),
    "visit": (
        "Besøg på afsnittet; {name} genkendte teamet og ønskede at komme hjem.",
        "Besøg under indlæggelsen; drøftet udskrivelse med afsnittets læge.",
    ),
    "discharge_talk": (
        "Deltog i udskrivningssamtalen; aftalt besøg dagen efter udskrivelsen.",
        "Udskrivningssamtale med afsnit, botilbud og {name}. Medicinændringer gennemgået.",
    ),
    "follow_up": (
        "Besøg dagen efter udskrivelsen. {name} er glad for at være hjemme; sover uroligt.",
        "Opfølgning efter udskrivelse: medicin afstemt med FMK og botilbuddets liste.",
    ),
}
COMPULSORY_NOTES = {
    "compulsory_admission": ("Tvangsindlagt; klagevejledning givet.", ""),
    "detention": ("Tvangstilbageholdt i to døgn.", "Tvangstilbageholdt; ophævet efter fem dage."),
    "treatment": ("Tvangsbehandling med antipsykotisk medicin besluttet af overlægen.",),
    "belt": ("Bæltefikseret i fire timer efter voldsom uro.",),
    "holding": ("Fastholdt kortvarigt i forbindelse med medicingivning.",),
    "sedation": ("Beroligende medicin givet med magt.",),
    "other": ("Anden tvang, se afsnittets journal.",),
}
FORCE_SITUATIONS = {
    "holding": (
        "{name} slog ud efter en medbeboer i fællesstuen og blev holdt kortvarigt af to "
        "medarbejdere, til {name} faldt til ro.",
        "{name} forsøgte at løbe ud på vejen og blev holdt fast, til {name} var rolig igen.",
    ),
    "leading": (
        "{name} blev ført fra fællesstuen til sin lejlighed efter at have kastet med service.",
        "{name} blev ført væk fra en medbeboer, som {name} truede.",
    ),
    "detention": (
        "{name} blev tilbageholdt i boligen, fordi {name} ville gå ud uden tøj på i frostvejr.",
    ),
    "hygiene": (
        "Fastholdelse af armen i forbindelse med bad efter flere dage uden personlig hygiejne.",
    ),
    "alarm": ("Døralarm aktiveret om natten efter aftale, fordi {name} går ud og farer vild.",),
    "other": ("Anden magtanvendelse, beskrevet i botilbuddets indberetning.",),
}
FAILURE_DESCRIPTIONS = (
    "Tabletterne fundet i skraldespanden på værelset.",
    "{name} har sagt nej til aftenmedicinen de sidste dage.",
    "Doseringsæsken var ikke rørt, da {contact} kom om morgenen.",
    "{name} har gemt tabletterne i en sok i skabet.",
    "Depotinjektionen er ikke givet til tiden, fordi {name} ikke var hjemme.",
    "Medicinen løb op under weekendbesøget hos familien.",
)
FAILURE_ACTIONS = (
    "Teamet er orienteret; medicin gives nu under observation.",
    "Talt med {name} om bivirkningerne; teamlægen ser på dosis.",
    "Ny tid til depotinjektion i morgen.",
    "Aftalt med {name}, at {contact} minder om medicinen morgen og aften.",
    "",
)
CRISIS_DESCRIPTIONS = {
    "yellow": (
        "Urolig om natten og råbte på gangen.",
        "Trak sig fra fællesskabet og ville ikke spise med de andre.",
        "Bange og mistænksom; mente at maden var forgiftet.",
        "Sov kun få timer og gik meget rundt om natten.",
    ),
    "red": (
        "Meget urolig, truede personalet og smed ting ud ad vinduet.",
        "Udtalte selvmordstanker med plan; ville ikke være alene.",
        "Hørte stemmer, der sagde at {name} skulle skade sig selv.",
        "Forsvandt fra botilbuddet om aftenen og blev fundet ved stationen.",
    ),
    "green": ("Kortvarig uro efter et telefonopkald; faldt til ro med støtte.",),
}
CRISIS_ACTIONS = {
    "yellow": (
        "Fulgte kriseplanens gule fase; ringede til teamet om morgenen.",
        "{contact} tilbød en gåtur og en kop te; PN-medicin givet.",
        "Ekstra tilsyn om natten; teamet kom på besøg samme dag.",
    ),
    "red": (
        "Blev hos {name} og ringede til akutpsykiatrien; {name} blev indlagt.",
        "Fulgte den røde fase: akut besøg af teamet samme dag.",
        "Ringede 1813; vagtlægen vurderede, at {name} kunne blive hjemme med tæt tilsyn.",
    ),
    "green": ("Samtale med kontaktpersonen; ingen videre tiltag.",),
}
REFERRAL_RECIPIENTS = {
    "integrated_substance": ("Regionens enhed for dobbeltdiagnoser", "Integreret behandling"),
    "forensic": ("Retspsykiatrisk ambulatorium",),
    "eating_disorder": ("Enhed for spiseforstyrrelser",),
    "trauma": ("Klinik for traumer og torturoverlevere", "Traumeklinikken"),
    "other": ("Klinik for OCD og angst", "Psykoterapeutisk ambulatorium"),
}
REFERRAL_REASONS = {
    "integrated_substance": (
        "Vedvarende hashforbrug, der forværrer de psykotiske symptomer.",
        "Stigende alkoholforbrug og flere indlæggelser i rus.",
    ),
    "forensic": ("Tidligere dom til behandling; vurdering af risiko og behandlingsbehov.",),
    "eating_disorder": ("Markant vægttab og restriktiv spisning gennem et halvt år.",),
    "trauma": ("Mareridt og flashbacks efter mange år på gaden; ønsker traumebehandling.",),
    "other": ("Svær tvangssymptomatologi trods behandling; behov for specialiseret tilbud.",),
}

# --- Assessments -----------------------------------------------------------------------------
PSYCH_BACKGROUNDS = (
    "Opstart af forløb i botilbudsteamet.",
    "Revurdering efter udskrivelse.",
    "Årlig psykiatrisk vurdering.",
    "Anledning: tiltagende uro og søvnløshed ifølge botilbuddet.",
    "Revurdering før medicinomlægning.",
    "",
)
PSYCH_STATES = (
    "Vågen og orienteret. Let forpint, ingen hallucinationer under samtalen. Tankegang "
    "sammenhængende.",
    "Mistænksom og afvisende i kontakten. Tydelige hørelseshallucinationer; tankeforstyrrelser.",
    "Stemningsleje sænket, psykomotorisk hæmmet. Ingen psykotiske symptomer.",
    "Rolig og venlig i kontakten. Negative symptomer med initiativløshed og affladning.",
    "Let opstemt, talepresset. Sover fire-fem timer om natten.",
    "Angst og anspændt; tvangstanker om smitte fylder meget af dagen.",
    "Rolig, samarbejdende. Svækket sygdomsindsigt, men accepterer medicinen.",
)
PSYCH_DIAGNOSES = (
    "Paranoid skizofreni (DF20.0)",
    "Skizoaffektiv sindslidelse (DF25)",
    "Bipolar affektiv sindslidelse (DF31)",
    "Tilbagevendende depression (DF33)",
    "Emotionelt ustabil personlighedsstruktur (DF60.3)",
    "Skizofreni og misbrug af cannabis (DF20.0, DF12.2)",
    "Obsessiv-kompulsiv tilstand (DF42)",
    "",
)
PSYCH_FUNCTIONING = (
    "Klarer morgenrutiner med støtte; deltager ikke i fællesspisning.",
    "Har brug for hjælp til indkøb og økonomi; klarer selv personlig hygiejne.",
    "Går i værkstedet tre dage om ugen.",
    "Forlader sjældent lejligheden; kontakt til personalet først på dagen.",
    "",
)
PSYCH_CONCLUSIONS = (
    "Fortsat ambulant opfølgning; medicingennemgang om to uger.",
    "Uændret behandling; revurdering om et halvt år.",
    "Dosisøgning af antipsykotikum; tæt opfølgning de næste uger.",
    "Henvises til psykologsamtaler; kriseplan opdateres.",
    "Stabil; forløbet kan overvejes afsluttet inden for et år.",
)
RISK_PROTECTIVE = (
    "Tæt kontakt til søster; glæder sig til sin hund hver dag.",
    "God kontakt til kontaktpersonen {contact}; tager imod hjælp.",
    "Fremtidsplaner: vil gerne i praktik i værkstedet.",
    "Har børn, som {name} ser hver anden weekend.",
    "Tager medicinen og kommer til aftalerne.",
)
RISK_TEXTS = (
    "",
    "Forsøg for flere år siden ved overdosis.",
    "Udtrykker håbløshed om fremtiden, men afviser planer.",
    "Nylig udskrivelse; stemmerne er stadig tydelige.",
    "Har mistet sin mor for nylig.",
)
RISK_ACTIONS = {
    "low": (
        "Ingen særlige tiltag; revurderes ved næste besøg.",
        "Fortsat almindelig kontakt; kriseplanen gennemgået.",
    ),
    "moderate": (
        "Daglig kontakt med kontaktpersonen; ny vurdering ved teamlægen.",
        "Ekstra tilsyn om aftenen; {name} ved, hvem der skal kontaktes.",
    ),
    "high": (
        "Tilsyn hver time om natten; farlige genstande fjernet efter aftale med {name}.",
        "Teamet kommer dagligt i en uge; indlæggelse drøftet med {name}.",
    ),
    "acute": (
        "Fulgt til akutmodtagelsen af personalet; indlagt.",
        "Akut vurdering af teamlægen samme dag; ikke alene før vurderingen.",
    ),
}
SUBSTANCE_PATTERNS = {
    "alcohol": (
        "Drikker 4-6 øl i weekenden.",
        "Drikker dagligt, mest om aftenen.",
    ),
    "cannabis": ("Ryger hash et par aftener om ugen.", "Ryger hash dagligt for at sove."),
    "stimulants": ("Har taget amfetamin ved fester det seneste halve år.",),
    "opioids": ("Tidligere opioidforbrug; i substitutionsbehandling.",),
    "benzodiazepines": ("Køber benzodiazepiner uden recept i perioder.",),
    "other": ("Sniffer lightergas i perioder.",),
}
SUBSTANCE_MOTIVATION = (
    "Vil gerne skære ned på hash for at sove bedre.",
    "Ønsker ikke at ændre noget lige nu.",
    "Vil gerne stoppe med at drikke i hverdagene.",
    "Ambivalent; vil gerne tale om det igen.",
    "",
)
SUBSTANCE_MUNICIPAL = ("", "", "Rusmiddelcentret, samtaler hver 14. dag", "Afsluttet i kommunen")
SOMATIC_FINDINGS = (
    "Vægtøgning siden opstart af antipsykotisk medicin.",
    "Blodtryk let forhøjet; ellers upåfaldende.",
    "Blodsukker forhøjet; henvist til egen læge.",
    "Ingen nye fund.",
    "Forstoppelse som bivirkning; aftalt laktulose.",
    "EKG med let forlænget QTc; dosis revurderes.",
)
SOMATIC_BLOOD = (
    "",
    "Blodsukker og kolesterol taget; EKG uden bemærkninger.",
    "HbA1c 52 mmol/mol; lipider forhøjede.",
    "Lithium-koncentration i niveau.",
    "Clozapin-niveau og leukocytter i orden.",
)
SOMATIC_FOLLOW = (
    "",
    "Egen læge kontrollerer blodtryk om tre måneder.",
    "Diætist via kommunen.",
    "Ny måling ved næste besøg.",
)
KRAM_DIET = (
    "Spiser mest færdigretter; springer morgenmad over.",
    "Spiser med i fællesspisningen om aftenen; drikker meget sodavand.",
    "Spiser uregelmæssigt og meget lidt i perioder.",
    "Har fået madordning gennem botilbuddet og spiser mere varieret.",
)
KRAM_EXERCISE = (
    "Går en tur med personalet to gange om ugen.",
    "Cykler til værkstedet.",
    "Næsten ingen motion; bliver i lejligheden.",
    "Går til træning i kommunens motionstilbud en gang om ugen.",
)
KRAM_GOALS = ("", "Vil gerne ryge mindre og gå flere ture.", "Vil tabe fem kilo.", "")
HEALTH_CHECK_FINDINGS = (
    "Blodtryk og blodsukker normale; næste tjek om et år.",
    "Forhøjet kolesterol; statin startet af egen læge.",
    "Anbefalet rygestop; tilbudt rygestopkursus.",
    "",
)

# --- Plans -----------------------------------------------------------------------------------
PLAN_GOALS = (
    "Stabil hverdag uden indlæggelse.",
    "Sove hele natten og komme op om morgenen.",
    "Tage medicinen selv med støtte fra botilbuddet.",
    "Færre konflikter med medbeboerne.",
    "Mindre hash og mere struktur på dagen.",
    "Komme i gang med værkstedet igen.",
)
PLAN_WORDS = (
    "Jeg vil gerne have ro i hovedet.",
    "Jeg vil kunne gå i Netto selv.",
    "Jeg vil ikke indlægges igen.",
    "Jeg vil gerne se mine børn mere.",
    "",
)
PLAN_INTERVENTIONS = (
    "Samtaler hver uge; medicingennemgang; støtte til døgnrytme.",
    "Samtaler hver 14. dag; kriseplan; koordinering med egen læge om somatik.",
    "Udtrapning af sovemedicin; psykoedukation om tidlige tegn.",
    "Motiverende samtaler om rusmidler; netværksmøde med kommunen.",
)
PLAN_RESPONSIBILITIES = (
    "{name}: tager medicin morgen og aften. Botilbuddet: minder om medicinen. Teamet: "
    "samtaler og medicinjustering. Egen læge: blodprøver.",
    "{name}: siger til, når det går dårligt. {contact}: daglig kontakt. Teamet: besøg hver "
    "uge og kriseplan.",
    "Botilbuddet: struktur og aktiviteter. Teamet: samtaler og medicin. Kommunen: "
    "misbrugsbehandling.",
)
PLAN_REASONS = (
    "Revurderet ved planmødet.",
    "Opdateret efter udskrivelse.",
    "Nye mål aftalt med {name}.",
    "Ændret medicin og ansvarsfordeling.",
    "Halvårlig revurdering.",
    "Rettet efter netværksmøde.",
)
CRISIS_GREEN = (
    "Sover om natten, går i Netto og spiser med de andre.",
    "Er med i værkstedet og hilser på personalet.",
    "Holder sin lejlighed og tager medicinen selv.",
)
CRISIS_YELLOW = (
    "Sover dårligt, trækker sig og bliver på værelset.",
    "Bliver mistænksom og taler om, at nogen holder øje med {name}.",
    "Springer måltider over og glemmer medicinen.",
)
CRISIS_RED = (
    "Hører stemmer, der siger ting om {name}; spiser ikke.",
    "Truer personalet og smider ting.",
    "Taler om at ville dø og giver ting væk.",
)
CRISIS_RESIDENT = (
    "Går tur og hører musik.",
    "Siger til min kontaktperson, at jeg har det svært.",
    "Tager min PN-medicin og bliver ikke alene.",
    "",
)
CRISIS_FACILITY = (
    "Hilser om morgenen og spørger til dagen.",
    "Tilbyder en gåtur og ringer til teamet samme dag.",
    "Bliver hos {name} og ringer til teamet eller akutpsykiatrien.",
)
CRISIS_TEAM = (
    "Samtale hver anden uge.",
    "Besøg inden for to dage; vurderer medicinen.",
    "Akut besøg samme dag; vurderer behov for indlæggelse.",
)
CRISIS_TRIGGERS = (
    "Konflikter med familien; når der er mange mennesker.",
    "Brev fra kommunen; weekender alene.",
    "Hash og for lidt søvn.",
    "",
)
CRISIS_HELPS = (
    "Rolig stemme, en kop te og at gå en tur.",
    "At nogen sidder hos mig og at lyset er tændt.",
    "Musik i høretelefoner og en varm bruser.",
)
CRISIS_AVOID = ("At flere taler til mig på én gang.", "At blive rørt ved uden at blive spurgt.", "")
CALL_OPEN = "{team}, tlf. {phone} (hverdage 8-15.30)"
CALL_CLOSED = (
    "Psykiatrisk akutmodtagelse; ved livsfare 112.",
    "Akuttelefonen 1813 og psykiatrisk akutmodtagelse.",
)
END_PLANS = (
    "Samtaler trappes ned over to måneder; medicin overgår til egen læge.",
    "Afsluttende netværksmøde med botilbud og distriktspsykiatri; epikrise sendes.",
    "Overlevering til det nye team ved fælles besøg.",
)
END_WITH_RESIDENT = (
    "Aftalt med {name} ved samtale; {name} er tryg ved planen.",
    "{name} ønsker at afslutte og ved, at genhenvisning er mulig.",
    "",
)
END_HANDOVER = (
    "Egen læge overtager medicin; botilbuddet fortsætter hverdagsstøtte.",
    "Distriktspsykiatrien overtager; kriseplan og behandlingsplan overleveret.",
    "Kommunen overtager koordineringen; egen læge følger medicinen.",
)
REVIEW_FINDINGS = (
    "Dobbeltordination af quetiapin på FMK og botilbuddets liste.",
    "Medicinlisten stemmer med FMK.",
    "PN-medicin bruges næsten dagligt; fast dosis overvejes.",
    "Interaktion mellem {drug} og andre præparater vurderet uden betydning.",
    "Antikolinerg belastning; overvej udtrapning af {drug}.",
)
REVIEW_ACTIONS = (
    "Quetiapin fjernet fra botilbuddets liste; FMK opdateret.",
    "Ingen ændringer.",
    "Dosis af {drug} nedsat; følges ved næste besøg.",
    "Aftalt blodprøver og EKG før næste gennemgang.",
)
OBSERVATION_EFFECTS = (
    "Sover bedre efter en uge.",
    "Mindre stemmer om aftenen.",
    "Ingen tydelig effekt endnu.",
    "Mere rolig i kontakten.",
    "",
)
OBSERVATION_SIDE = (
    "Mere sulten og træt om formiddagen.",
    "Rysten på hænderne.",
    "Svimmel ved opstart.",
    "",
)
OBSERVATION_ACTIONS = ("", "Drøftes ved næste medicingennemgang.", "Teamlægen orienteret.")
TAPERING_WISHES = (
    "Ønsker at trappe ned, fordi {name} er for træt om dagen.",
    "Vil gerne prøve at klare sig med mindre medicin.",
    "Har taget på i vægt og vil af med {drug}.",
)
TAPERING_STEPS = (
    "25 % mindre hver 14. dag; samtale før hvert trin.",
    "Halv dosis i fire uger, derefter stop; tæt kontakt imens.",
    "Nedsættes med én tablet om måneden.",
)
TAPERING_SIGNS = ("Søvnløshed mere end to nætter; stemmer vender tilbage.", "Uro og mistænksomhed.")
HANDLING_TEXTS = {
    "facility": "Botilbuddet doserer ugentligt og udleverer morgen og aften.",
    "home_nursing": "Hjemmesygeplejen doserer hver fredag; botilbuddet udleverer.",
    "pharmacy": "Apoteket doserer i poser; botilbuddet udleverer.",
    "resident": "{name} håndterer selv sin medicin; botilbuddet spørger ind en gang om ugen.",
}
BLOOD_TESTS = (
    "",
    "Lithium-koncentration hver 3. måned ved egen læge.",
    "Clozapin: leukocytter hver måned i teamet.",
    "Blodsukker og lipider en gang om året.",
)
CONTACT_TEXTS = ("Teamets sygeplejerske {nurse}", "{nurse} i botilbudsteamet", "")
