"""Life events and public-service domains, as word lists for theme terms.

A user story ("pappa gikk bort og vi fant ikke ut hva han skyldte") and an
initiative ("samlet oversikt over dødsboet") rarely share a word, but they
share a life event. Each word below adds a theme term to the texts it occurs
in, so such texts meet at a low weight that BM25's idf turns into evidence:
a theme shared by few texts counts, one shared by all counts for nothing.

The structure follows the life events of the national digitalisation strategy
(Digdir's livshendelser: having a child, seriously ill child, losing and finding
a job, new in Norway, death and inheritance, starting and running a business or
a voluntary organisation) and the other big public-service domains (debt and
collection, tax, health, housing and moving, education, pension, vehicles and
roads, social assistance), each split into topics. A topic is named
``"parent/topic"``; its words add both the topic and the parent, so texts on the
same topic meet more strongly than texts on the same life event.

Words are written from domain knowledge in bokmål and nynorsk (``nb``) and
English (``en``): base forms and the inflections a stemmer does not unite.
English words act only in English texts and Norwegian ones only in Norwegian
texts, so "far" (father) never fires in "far away". An entry joined by ``_`` or
``-`` is a phrase matched on consecutive words, stop words included
("gikk_bort", "a-melding"); ambiguous single words ("skifte", "ledig", "råd",
"veien") are left out or listed only inside a phrase.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Theme:
    """Words that signal one life event or topic: space-separated, by language."""

    nb: str
    en: str = ""


THEMES: dict[str, Theme] = {
    # -- debt and collection (gjeld og inkasso) ----------------------------------
    "debt": Theme(
        "gjeld gjelda skyld skuld skylde skyldte skyldig skuldig skyldner skyldnar kreditor "
        "kreditorar kreditorer ubetalt ubetalte forfalt forfalte restanse restansar "
        "betalingsproblem betalingsproblemer betalingsvanskar betalingsvansker blakk "
        "pengeproblemer pengeproblem ikke_råd ikkje_råd råd_til pengane_strakk "
        "økonomiske_problemer økonomiske_vansker økonomiske_vanskar",
        "debt debts debtor creditor creditors arrears unpaid overdue owe owed owing bills "
        "can_t_afford",
    ),
    "debt/collection": Theme(
        "innkreving innkrevjing innkrever innkrevjar innfordring tvangsinnfordring inkasso "
        "inkassosak inkassobyrå inkassoselskap namsmann namsmannen namsfogd utlegg "
        "utleggstrekk utleggsforretning trekk lønnstrekk tvangstrekk tvangssalg "
        "tvangsauksjon begjæring forliksrådet forliksråd innkrevingssentral",
        "collection collections collector enforcement garnishment garnish bailiff",
    ),
    "debt/payment_plan": Theme(
        "betalingsavtale betalingsavtaler betalingsplan nedbetalingsplan nedbetaling "
        "nedbetale avdrag avdragsordning delbetaling betalingsutsettelse utsettelse henstand "
        "rentefritak ettergivelse ettergiving gjeldsordning gjeldsforhandling akkord",
        "instalment instalments installment installments repayment deferral waiver payment_plan",
    ),
    "debt/reminders": Theme(
        "purring purringer påminnelse påminning inkassovarsel betalingsoppfordring "
        "forfallsdato forfall gebyr gebyrer forsinkelsesrente forseinkingsrente "
        "betalingsanmerkning betalingsanmerkninger",
        "reminder reminders dunning overdue late_fee",
    ),
    "debt/setoff": Theme(
        "motregning motrekning motregne motregnet avregning avrekning tilbakeholde "
        "tilbakehold tilgodebeløp",
        "setoff set-off offset offsetting",
    ),
    "debt/overpayment": Theme(
        "feilutbetaling feilutbetalinger feilutbetalt tilbakekreving tilbakekrevjing "
        "tilbakekreve tilbakebetale tilbakebetaling tilbakebetalingskrav overbetaling "
        "for_mye_utbetalt betale_tilbake betalte_tilbake",
        "overpayment overpayments overpaid clawback pay_back paid_back",
    ),
    "debt/counselling": Theme(
        "gjeldsrådgivning gjeldsrådgiving gjeldsrådgiver gjeldsrådgjevar "
        "økonomisk_rådgivning økonomisk_rådgjeving økonomisk_råd privatøkonomi "
        "budsjettveiledning budsjettrådgivning økonomirådgivning økonomirådgiver",
        "counselling counseling budgeting debt_advice",
    ),
    "debt/overview": Theme(
        "gjeldsregister gjeldsregisteret gjeldsinformasjon gjeldsoversikt "
        "kredittsjekk kredittvurdering kredittopplysning kredittscore forbruksgjeld "
        "forbrukslån kredittkort smålån",
        "creditworthiness credit_check credit_card",
    ),
    # -- tax ----------------------------------------------------------------------
    "tax": Theme(
        "skatt skatten skatter skatteetaten skattyter skattytar skattytere skattebetaler "
        "avgift avgifter",
        "tax taxes taxpayer taxpayers",
    ),
    "tax/card": Theme(
        "skattekort skattekortet forskuddstrekk tabelltrekk prosenttrekk frikort "
        "forskuddsskatt forskotsskatt trekkprosent",
        "withholding tax_card",
    ),
    "tax/return": Theme(
        "skattemelding skattemeldinga skattemeldingen selvangivelse sjølvmelding "
        "skatteoppgjør skatteoppgjer restskatt tilgode fradrag frådrag likning "
        "næringsoppgave",
        "refund deduction deductions tax_return",
    ),
    "tax/certificate": Theme(
        "skatteattest skatteattesten restanseattest egenerklæring eigenerklæring "
        "dokumentasjonskrav",
        "tax_certificate",
    ),
    # -- income data, consent and loans -----------------------------------------------
    "income": Theme(
        "inntekt inntekta inntekter inntektsopplysninger inntektsopplysningar lønn løn "
        "lønnen lønna lønnsslipp lønnsslipper lønsslipp lønsslippar lønningsslipp "
        "kontoutskrift kontoutskrifter formue formuesopplysninger a-melding a-meldingen "
        "a-ordningen amelding inntektsgrunnlag årsinntekt",
        "income incomes salary salaries wage wages payslip payslips earnings",
    ),
    "income/consent": Theme(
        "samtykke samtykker samtykkebasert samtykkjebasert fullmakt fullmakter datadeling "
        "innsyn personvern personopplysninger taushetsplikt teieplikt",
        "consent consents authorisation authorization privacy disclosure data_sharing",
    ),
    "income/loan": Theme(
        "lån lånet lånesøknad lånesøknaden låntaker låntakar boliglån forbrukslån "
        "refinansiering kreditt bank banken bankene långiver långjevar finansnæringen "
        "finansinstitusjon",
        "loan loans mortgage lender lenders borrower borrowing bank banks",
    ),
    # -- losing and finding a job (miste og finne jobb) ----------------------------
    "job": Theme(
        "jobb jobben jobbe jobbar jobber arbeidsplass arbeidsplassen stilling stillinga "
        "stillingen arbeidsforhold arbeidskontrakt vakt vakter deltid heltid turnus sjef "
        "kollega kolleger kollegaer arbeidsliv arbeidslivet yrke yrkesliv",
        "job jobs employment workplace shift shifts colleague colleagues",
    ),
    "job/loss": Theme(
        "arbeidsledig arbeidsledige arbeidsløs arbeidsledighet ledighet oppsagt oppsagd "
        "oppsigelse oppseiing permittert permittering permitteringer permitterte "
        "nedbemanning nedbemanningen masseoppsigelse masseoppsigelser sparket avskjed "
        "arbeidsløyse miste_jobben mistet_jobben mista_jobben miste_arbeidet "
        "mistet_arbeidet uten_jobb utan_jobb uten_arbeid utan_arbeid",
        "unemployed unemployment layoff layoffs redundancy redundancies dismissed "
        "dismissal fired lost_my_job lost_their_job out_of_work",
    ),
    "job/benefits": Theme(
        "dagpenger dagpengar meldekort meldekortet arbeidsavklaringspenger aap "
        "ledighetstrygd ventelønn lønnsgaranti lønnsgarantifondet",
        "unemployment_benefit jobseeker_s_allowance",
    ),
    "job/search": Theme(
        "jobbsøker jobbsøkar jobbsøkere jobbsøking arbeidssøker arbeidssøkar arbeidssøkere "
        "jobbsøknad jobbsøknader cv intervju jobbintervju stillingsannonse "
        "stillingsannonser utlysning rekruttering rekruttere arbeidsformidling "
        "jobbmatch jobbmatching kompetanse kvalifikasjoner arbeidstrening "
        "arbeidsmarkedstiltak omskolering karriereveiledning ny_jobb nye_jobb "
        "ledig_stilling ledige_stillinger ledige_stillingar få_jobb fikk_jobb fekk_jobb",
        "jobseeker jobseekers vacancy vacancies recruitment recruiting hiring resume "
        "interview skills new_job find_a_job",
    ),
    # -- having a child (få barn) ---------------------------------------------------
    "family": Theme(
        "barn barnet barna born borna unger ungene ungane baby babyen familie familien "
        "foreldre foreldra forelder mor mora moren far faren mamma pappa sønn sonen datter "
        "dottera søsken",
        "child children kid kids baby family families parent parents mother father",
    ),
    "family/birth": Theme(
        "gravid graviditet svangerskap termin terminen fødsel fødselen føde fødte født "
        "nyfødt nyfødte spedbarn barsel jordmor fødeavdeling farskap farskapserklæring "
        "medmor få_barn fikk_barn fekk_barn vente_barn venter_barn ventet_barn "
        "ble_foreldre vart_foreldre bli_foreldre",
        "pregnant pregnancy birth newborn paternity maternity having_a_baby",
    ),
    "family/leave": Theme(
        "foreldrepenger foreldrepengar foreldrepermisjon permisjon pappaperm "
        "mammaperm fedrekvote mødrekvote fellesperiode engangsstønad "
        "svangerskapspenger",
        "parental_leave maternity_leave paternity_leave",
    ),
    "family/benefits": Theme(
        "barnetrygd barnetrygda barnetrygden kontantstøtte kontantstøtta kontantstøtten "
        "barnetillegg utvidet_barnetrygd",
        "child_benefit cash_for_care",
    ),
    "family/childcare": Theme(
        "barnehage barnehagen barnehageplass barnehageopptak dagmamma sfo "
        "skolefritidsordning foreldrebetaling",
        "kindergarten daycare childcare nursery preschool",
    ),
    "family/separation": Theme(
        "samlivsbrudd skilsmisse separasjon separert skilt barnebidrag bidragspliktig "
        "bidragsmottaker samvær samværsforelder delt_bosted foreldremekling mekling "
        "gikk_fra_hverandre gjekk_frå_kvarandre flyttet_fra_hverandre",
        "divorce divorced separation custody child_support",
    ),
    # -- seriously ill child, health and disability --------------------------------
    "health": Theme(
        "syk sjuk syke sjuke sykt sjukt sykdom sjukdom sykdommen helse helsa helsen "
        "feber diagnose diagnosen kreft lege legen fastlege fastlegen sykehus sjukehus "
        "sykehuset pasient pasienten innlagt innleggelse helsetjeneste helsetjenesten "
        "spesialisthelsetjenesten helsenorge resept kronisk ulykke ble_syk vart_sjuk "
        "bli_syk",
        "sick illness ill disease diagnosis hospital patient doctor health injury cancer",
    ),
    "health/sickleave": Theme(
        "sykmelding sykmeldinga sykemelding sjukmelding sykmeldt sjukmeld sykepenger "
        "sjukepengar egenmelding eigenmelding sykefravær sjukefråvær",
        "sick_leave sick_pay sickness_benefit",
    ),
    "health/care": Theme(
        "pleiepenger pleiepengar omsorgspenger omsorgspengar opplæringspenger pårørende "
        "pårørande omsorg avlastning omsorgsstønad hjelpestønad grunnstønad "
        "brukerstyrt bpa koordinator individuell_plan habilitering rehabilitering "
        "hjemmesykepleie heimesjukepleie sykt_barn sjukt_barn syke_barn sjuke_barn "
        "alvorlig_syk alvorleg_sjuk",
        "caregiver carer caring care respite seriously_ill",
    ),
    "health/disability": Theme(
        "ufør uføre uføretrygd uføretrygda uføretrygden uførepensjon uføregrad "
        "arbeidsevne arbeidsevnevurdering arbeidsuførhet funksjonsnedsettelse "
        "funksjonshemming funksjonshemmet hjelpemiddel hjelpemidler hjelpemiddelsentral",
        "disability disabled incapacity",
    ),
    # -- death and inheritance (dødsfall og arv) ------------------------------------
    "death": Theme(
        "død døde dødd dør døyr døydde daud dødsfall dødsfallet avdød avdøde avdødes "
        "omkom omkomne sorg sorgen sørgende etterlatt etterlatte etterlatne enke enkemann "
        "gjenlevende attlevande dødsattest dødsmelding gikk_bort gått_bort går_bort "
        "gå_bort gjekk_bort gikk_brått_bort sovnet_inn",
        "death dead died dies deceased bereaved bereavement widow widower passed_away",
    ),
    "death/funeral": Theme(
        "begravelse begravelsen begravelsesbyrå gravferd gravferda gravferdsstønad "
        "bisettelse bisetting gravlegging minnestund kremasjon urne grav gravstein",
        "funeral burial cremation",
    ),
    "death/estate": Theme(
        "dødsbo dødsboet dødsbu dødsbuet arv arven arving arvinger arvingane arvingene "
        "arveoppgjør arveoppgjer arvelater testament livsarving skifteattest skifteretten "
        "skifterett uskifte bobestyrer booppgjør privat_skifte offentlig_skifte",
        "inheritance inherit inherited heir heirs estate probate executor",
    ),
    # -- starting and running a business (starte og drive bedrift) ------------------
    "business": Theme(
        "bedrift bedrifta bedriften bedrifter foretak foretaket firma firmaet selskap "
        "selskapet næringsdrivende næringsdrivande næringsliv næringslivet gründer "
        "gründere småbedrift småbedrifter butikk omsetning daglig_leder dagleg_leiar "
        "eget_firma egen_bedrift eige_firma",
        "business businesses company companies firms enterprise entrepreneur entrepreneurs",
    ),
    "business/start": Theme(
        "oppstart nyetablert nyetablerte stifte stiftelse stiftelsesdokument "
        "enhetsregisteret foretaksregisteret organisasjonsnummer orgnummer aksjeselskap "
        "enkeltpersonforetak aksjekapital næringsregistrering starte_for_meg_selv "
        "starte_for_seg_selv startet_for_meg_selv starte_eget starte_egen starta_eige",
        "startup start-up founding incorporation incorporate start_a_business",
    ),
    "business/accounts": Theme(
        "regnskap regnskapet reknskap årsregnskap årsoppgjør årsoppgjer bokføring "
        "regnskapsfører rekneskapsførar revisor revisjon mva merverdiavgift mva-melding "
        "moms kassa faktura fakturaer fakturering rapportering rapporteringsplikt "
        "innrapportering",
        "accounts accounting bookkeeping accountant auditor vat invoice invoices "
        "reporting annual_accounts",
    ),
    "business/employer": Theme(
        "arbeidsgiver arbeidsgjevar arbeidsgivere arbeidsgiveravgift arbeidstaker "
        "arbeidstakar ansette ansettelse tilsetting ansatt ansatte tilsett tilsette "
        "lønnskjøring lønnssystem",
        "employer employers employee employees payroll",
    ),
    "business/closing": Theme(
        "avvikling avvikle avviklingen nedleggelse nedlegging konkurs konkursen konkursbo "
        "insolvens oppløsning oppløse oppløyse tvangsoppløsning tvangsavvikling bostyrer "
        "legge_ned la_ned lagt_ned gå_konkurs gikk_konkurs gått_konkurs gjekk_konkurs",
        "closure dissolve dissolution bankruptcy bankrupt insolvency liquidation "
        "wind_up winding_up shut_down went_bankrupt",
    ),
    "business/procurement": Theme(
        "anbud anbudet anbudskonkurranse anskaffelse anskaffelser anskaffing innkjøp "
        "leverandør leverandører tilbyder tilbydere konkurransegrunnlag "
        "kvalifikasjonskrav doffin",
        "tender tenders procurement supplier suppliers bidder bidders",
    ),
    # -- starting and running a voluntary organisation ------------------------------
    "voluntary": Theme(
        "frivillig frivillige frivilleg frivillighet frivilligheit forening foreninga "
        "foreningen idrettslag korps dugnad årsmøte medlem medlemmer "
        "frivillighetsregisteret momskompensasjon grasrotandelen grasrotandel ideell "
        "ideelle",
        "voluntary volunteer volunteers charity nonprofit non-profit association club",
    ),
    # -- new in Norway (ny i Norge) --------------------------------------------------
    "immigration": Theme(
        "innvandrer innvandrere innvandrar arbeidsinnvandrer arbeidsinnvandrere "
        "innflytter utlending utlendinger utlendingar utenlandsk utanlandsk utlandet "
        "nyankommen nyankomne flyktning flyktninger flyktningar asyl asylsøker "
        "asylsøkere udi imdi d-nummer til_norge til_noreg fra_utlandet frå_utlandet "
        "ny_i_norge nye_i_norge ny_i_noreg",
        "immigrant immigrants newcomer newcomers foreigner foreigners foreign refugee "
        "refugees migrant migrants asylum to_norway",
    ),
    "immigration/permits": Theme(
        "oppholdstillatelse oppholdsløyve arbeidstillatelse arbeidsløyve visum "
        "familiegjenforening statsborgerskap oppholdskort registreringsbevis "
        "ees-borger",
        "permit permits visa citizenship residence_permit work_permit",
    ),
    "immigration/integration": Theme(
        "introduksjonsprogram introduksjonsprogrammet introduksjonsordningen "
        "introduksjonsstønad norskopplæring norskkurs norskprøve samfunnskunnskap "
        "bosetting bosatt tolk tolketjeneste språkopplæring",
        "integration interpreter introduction_programme language_training",
    ),
    # -- identity and electronic ID --------------------------------------------------
    "identity": Theme(
        "fødselsnummer d-nummer identitetsnummer identitet identiteten legitimasjon "
        "bankid id-porten minid elektronisk_id id-kontroll",
        "identity identification passport electronic_id",
    ),
    # -- housing and moving ------------------------------------------------------------
    "housing": Theme(
        "bolig boligen bustad bustaden hus huset leilighet leiligheten husleie utleier "
        "leietaker leigetakar depositum husleiekontrakt bostøtte startlån eiendom "
        "eigedom hytte tinglysing tinglyse borettslag kommunal_bolig",
        "housing house apartment flat rent rental landlord tenant property",
    ),
    "housing/moving": Theme(
        "flytte flytter flytta flyttet flytting flyttinga flyttingen flyttemelding "
        "adresse adressa adressen adresseendring bostedsadresse bustadadresse "
        "folkeregisteret folkeregistrert omadressering ettersending",
        "relocate relocation address moving_house moved_house change_of_address",
    ),
    # -- education ---------------------------------------------------------------------
    "education": Theme(
        "utdanning utdanninga utdanningen student studenter studentar studere studerer "
        "studium studiet studielån studiestøtte stipend lånekassen universitet høgskole "
        "eksamen vitnemål opptak skole skolen skule elev elever elevar grunnskole "
        "videregående vidaregåande",
        "education student students university college school pupil pupils tuition student_loan",
    ),
    "education/vocational": Theme(
        "lærling lærlingen lærlinger lærlingar lærlingplass læreplass læreplassen "
        "lærebedrift lærebedrifter fagbrev fagbrevet svennebrev yrkesfag yrkesfaglig "
        "fagprøve opplæringskontor lærekontrakt lærlingtilskudd",
        "apprentice apprentices apprenticeship vocational trainee",
    ),
    "education/youth": Theme(
        "ungdom ungdommen ungdommer ungdomar unge ung frafall droppet dropout "
        "oppfølgingstjenesten utenforskap utanforskap",
        "youth young youngsters teenager teenagers dropout neet",
    ),
    # -- pension and retirement ---------------------------------------------------------
    "pension": Theme(
        "pensjon pensjonen pensjonist pensjonistar pensjonister alderspensjon "
        "tjenestepensjon tenestepensjon afp pensjonsalder pensjonere pensjonering "
        "pensjonsopptjening opptjening pensjonsuttak gjenlevendepensjon "
        "pensjonskasse pensjonsordning gå_av gikk_av gå_av_med_pensjon",
        "pension pensions pensioner retirement retire retired retiree",
    ),
    # -- social assistance ---------------------------------------------------------------
    "welfare": Theme(
        "sosialhjelp sosialhjelpa sosialstønad nødhjelp sosialkontor nav-kontor navkontor "
        "kvalifiseringsprogram kvalifiseringsstønad livsopphold stønad stønaden stønader "
        "trygd trygda trygden sosialtjenesten sosialtenesta økonomisk_stønad "
        "økonomisk_sosialhjelp",
        "welfare allowance allowances social_assistance",
    ),
    # -- vehicles and roads -----------------------------------------------------------
    "vehicle": Theme(
        "bil bilen biler bilar kjøretøy køyretøy bompenger bompengar bomstasjon "
        "bomstasjonen bompengeselskap autopass brikke brikka ferje ferja førerkort "
        "førarkort trafikk veiavgift vegvesen vegvesenet omregistrering "
        "kjøretøyregisteret trafikkforsikring eu-kontroll parkering elbil bilist "
        "bilister trafikant",
        "car cars vehicle vehicles toll tolls ferry parking driving_licence driver_s_licence",
    ),
    # -- police, courts and fines -----------------------------------------------------
    "justice": Theme(
        "politi politiet domstol domstolen tingretten lagmannsretten dom dommen "
        "forelegg bøter straff soning fengsel kriminalomsorgen voldsoffer "
        "voldsoffererstatning advokat rettshjelp fri_rettshjelp",
        "police court courts fines penalty prison lawyer legal_aid",
    ),
    # -- paperwork and re-use of data (én gang-prinsippet) -----------------------------
    "paperwork": Theme(
        "skjema skjemaet skjemaer skjemaa papir papiret papirer papira papirskjema "
        "dokumentasjon dokumentasjonen dokument dokumenter dokumenta vedlegg vedlegga "
        "kopi kopier bekreftelse stadfesting blankett fylle utfylling forhåndsutfylt "
        "ferdigutfylt skanne skannet gjenbruk gjenbrukes tastefeil dobbeltarbeid "
        "fylle_ut fylle_inn fylte_ut laste_opp lastet_opp sende_inn sendte_inn "
        "samme_opplysninger same_opplysningane én_gang",
        "paperwork form forms document documents documentation copies attachment "
        "attachments prefilled pre-filled fill_in fill_out",
    ),
    # -- contact with the public sector: letters, mail, calls, waiting -----------------
    "contact": Theme(
        "brev brevet breva digipost e-boks postkasse postkassen digital_postkasse "
        "papirpost innboks sms e-post epost varsling kontaktregisteret ringe ringte "
        "ringer telefon telefonen telefonkø telefonkøen kø køen venting ventetid kundesenter "
        "kundesenteret kundeservice chat chatbot chatboten nettprat veileder veiledning "
        "rettleiing henvendelse henvendelser førstelinje på_vent ringte_rundt ringe_rundt",
        "letter letters mail mailbox inbox email phone helpline chatbot chat queue "
        "waiting on_hold call_centre",
    ),
}
