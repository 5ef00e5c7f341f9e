"""Fixed vocabularies of the model: life domains, age bands, signal routes, states, payers.

Every array in the core is indexed by these constants; tables and reports use the names.
"""

DOMAINS = ("care", "youth", "debts", "work", "mental", "loneliness")
CARE, YOUTH, DEBTS, WORK, MENTAL, LONELINESS = range(6)
N_DOMAINS = len(DOMAINS)

AGE_BANDS = ("0-17", "18-22", "23-64", "65-74", "75+")
N_AGE_BANDS = len(AGE_BANDS)
AGE_MINOR, AGE_YOUNG_ADULT, AGE_ADULT, AGE_YOUNG_OLD, AGE_OLD = range(5)

ROUTES = ("self", "informal", "partner", "outreach", "network")
N_ROUTES = len(ROUTES)
ROUTE_SELF, ROUTE_INFORMAL, ROUTE_PARTNER, ROUTE_OUTREACH, ROUTE_NETWORK = range(5)
# A signal that goes past the team: a GP or medical specialist refers a youth problem straight to youth care.
DIRECT_REFERRAL = N_ROUTES

# Whom a team serves: its routing and outreach are split by these two groups.
GROUPS = ("minors", "others")
GROUP_MINORS, GROUP_OTHERS = range(2)

# Problem states (per resident and domain).
P_NONE, P_LATENT, P_KNOWN, P_WAIT_SPECIALIST, P_SPECIALIST, P_PROVISION = range(6)

# Case states (per resident).
C_NONE, C_QUEUED, C_CASEWORK = range(3)

# Journey states, mutually exclusive per resident: the conservation check counts these.
JOURNEY = (
    "no_problem",
    "unknown_problem",
    "waiting_team",
    "team_case",
    "specialist",
    "provision_only",
)

DISCIPLINES = ("social_work", "wmo", "mee", "welfare", "work_income", "debt", "youth")
N_DISCIPLINES = len(DISCIPLINES)
SOCIAL_WORK, WMO_CONSULTANT, MEE, WELFARE, WORK_INCOME, DEBT_ADVICE, YOUTH_WORK = range(7)
# The discipline whose expertise fits each domain best.
DOMAIN_DISCIPLINE = (WMO_CONSULTANT, YOUTH_WORK, DEBT_ADVICE, WORK_INCOME, SOCIAL_WORK, WELFARE)

# Specialist providers, one per domain that has one; -1 means no specialist route.
PROVIDERS = ("youth_care", "ggz", "debt_restructuring", "reintegration")
DOMAIN_PROVIDER = (-1, 0, 2, 3, 1, -1)

PROVISIONS = ("household_help", "support_at_home")
HOUSEHOLD_HELP, SUPPORT_AT_HOME = range(2)

# Kinds of support a case received: bit k of the case's support mask is SUPPORTS[k].
SUPPORTS = ("team", "informal", "provision", "specialist")
SUPPORT_TEAM, SUPPORT_INFORMAL, SUPPORT_PROVISION, SUPPORT_SPECIALIST = (1 << k for k in range(len(SUPPORTS)))

PAYERS = ("wmo", "jeugdwet", "participatiewet", "zvw", "wlz")
WMO, JEUGDWET, PARTICIPATIEWET, ZVW, WLZ = range(5)

# How a case ends. The last two end on the team's waiting list, before intake: the problems
# resolved while the resident waited, or the resident stopped waiting (found help elsewhere or gave up).
OUTCOMES = ("resolved", "handed_over", "manageable", "open_at_end", "resolved_waiting", "gave_up")
OUT_RESOLVED, OUT_HANDED_OVER, OUT_MANAGEABLE, OUT_OPEN, OUT_RESOLVED_WAITING, OUT_GAVE_UP = range(6)
# With demography (sim.demography) a case also ends when its resident dies or moves away; only such runs
# have these categories, so a stationary run's case table is as before.
DEMOGRAPHIC_OUTCOMES = ("died", "moved_away")
OUT_DIED, OUT_MOVED = range(len(OUTCOMES), len(OUTCOMES) + 2)
