"""Word lists for synthetic people, places and settings.

Children and parents have ordinary first names and invented surnames built from obviously
made-up stems ("Test", "Sample", "Demo", ...), so no record can be mistaken for a real person.
Places are invented the same way; postcodes use the "ZZ" area, which the UK does not use.
"""

from __future__ import annotations

FIRST_NAMES_F = (
    "Olivia", "Amelia", "Isla", "Ava", "Ivy", "Freya", "Lily", "Florence", "Mia", "Willow", "Rosie", "Sophia",
    "Isabella", "Grace", "Daisy", "Sienna", "Poppy", "Elsie", "Emily", "Ella", "Evelyn", "Phoebe", "Sofia",
    "Evie", "Charlotte", "Harper", "Millie", "Matilda", "Maya", "Sophie", "Alice", "Emilia", "Isabelle", "Ruby",
    "Luna", "Maisie", "Aria", "Penelope", "Mila", "Bonnie", "Eva", "Hallie", "Eliza", "Ada", "Violet", "Esme",
    "Arabella", "Imogen", "Jessica", "Delilah", "Chloe", "Layla", "Zara", "Aisha", "Fatima", "Maryam", "Hannah",
    "Amira", "Nia", "Priya", "Anaya", "Zainab", "Leah", "Lucy", "Holly", "Megan", "Erin", "Niamh", "Ellie",
    "Abigail", "Scarlett", "Thea", "Georgia", "Heidi", "Iris", "Nancy", "Robyn", "Talia", "Yasmin", "Zoe",
)
FIRST_NAMES_M = (
    "Muhammad", "Noah", "Oliver", "George", "Leo", "Arthur", "Oscar", "Harry", "Archie", "Jack", "Henry",
    "Charlie", "Freddie", "Theodore", "Thomas", "Finley", "Theo", "Alfie", "Jacob", "Isaac", "Tommy", "Lucas",
    "Albie", "William", "Joshua", "James", "Max", "Arlo", "Mohammed", "Ethan", "Roman", "Teddy", "Edward",
    "Reggie", "Elijah", "Louie", "Harrison", "Sebastian", "Rory", "Ronnie", "Adam", "Jude", "Hugo", "Toby",
    "Reuben", "Mason", "Albert", "Dylan", "Zachary", "Ezra", "Jaxon", "Samuel", "Daniel", "Frankie", "Riley",
    "Ibrahim", "Yusuf", "Ali", "Omar", "Ayaan", "Hamza", "Kai", "Luca", "Logan", "Nathan", "Aaron", "Caleb",
    "Felix", "Gabriel", "Jayden", "Kian", "Liam", "Owen", "Ryan", "Tyler", "Callum", "Connor", "Ewan", "Kyle",
)
ADULT_NAMES_F = (
    "Sarah", "Emma", "Laura", "Rebecca", "Claire", "Gemma", "Kerry", "Nicola", "Natalie", "Joanne", "Lisa",
    "Amy", "Rachel", "Hayley", "Stacey", "Victoria", "Jennifer", "Louise", "Samantha", "Kelly", "Donna",
    "Nadia", "Shazia", "Agnieszka", "Grace", "Abena", "Funmi", "Anita", "Sunita", "Karen", "Helen", "Julie",
)
ADULT_NAMES_M = (
    "David", "Paul", "Mark", "Andrew", "Richard", "Daniel", "Christopher", "Michael", "Matthew", "Darren",
    "Lee", "Craig", "Stuart", "Gareth", "Jason", "Simon", "Wayne", "Imran", "Tariq", "Kwame", "Tomasz",
    "Piotr", "Rajesh", "Steven", "Neil", "Gary", "Ian", "Kevin", "Martin", "Robert", "Anthony", "Sean",
)

SURNAME_STEMS = ("Test", "Sample", "Demo", "Example", "Dummy", "Fixture", "Mockup", "Placeholder", "Synthe", "Proto",
                 "Specimen", "Trial")
SURNAME_ENDINGS = ("worth", "field", "ford", "ton", "ley", "by", "ham", "well", "bury", "wood", "hurst", "combe",
                   "stead", "wick", "more", "dale", "shaw", "thorpe", "brook", "cliffe", "gate", "mere", "den",
                   "ridge", "stone")
SURNAMES = tuple(stem + ending for stem in SURNAME_STEMS for ending in SURNAME_ENDINGS)

PLACE_STEMS = ("Test", "Sample", "Demo", "Example", "Dummy", "Fixture", "Mockup", "Proto", "Specimen", "Trial")
PLACE_ENDINGS = ("bury", "ford", "wick", "ham", "ton", "field", "well", "combe", "dale", "brook", "moor", "hill",
                 "stow", "wood", "mere", "gate", "by", "leigh")
PLACES = tuple(stem + ending for stem in PLACE_STEMS for ending in PLACE_ENDINGS)

STREET_STEMS = ("Oak", "Elm", "Ash", "Birch", "Willow", "Hazel", "Rowan", "Cedar", "Beech", "Holly", "Maple",
                "Larch", "Poplar", "Alder", "Linden", "Chestnut", "Juniper", "Laurel", "Myrtle", "Sycamore")
STREET_TYPES = ("Road", "Lane", "Close", "Avenue", "Way", "Crescent", "Drive", "Grove", "Street", "Gardens")

PRIMARY_KINDS = ("Primary School", "Community Primary School", "Infant and Junior School", "C of E Primary School",
                 "Primary Academy", "St Mary's Catholic Primary School")
SECONDARY_KINDS = ("High School", "Academy", "School", "Community College", "Catholic High School")
SPECIAL_KINDS = ("Special School", "School", "Academy", "Learning Centre")
AP_KINDS = ("Pupil Referral Unit", "Alternative Provision Academy", "Learning Centre")
FE_KINDS = ("College", "Sixth Form College", "College of Further Education")
EY_KINDS = ("Day Nursery", "Pre-School", "Nursery School", "Childminding Network", "Children's Centre Nursery")
INDEPENDENT_KINDS = ("Preparatory School", "Independent School", "Grammar School (independent)")
NMSS_KINDS = ("House School", "School for Deaf Children", "School for Blind Children", "Trust School")

LANGUAGES = ("English", "Polish", "Urdu", "Punjabi", "Arabic", "Romanian", "Bengali", "Somali", "Portuguese",
             "Gujarati")
LANGUAGE_WEIGHTS = (0.90, 0.02, 0.02, 0.012, 0.01, 0.01, 0.008, 0.006, 0.005, 0.004)

RELATIONSHIPS = ("Mother", "Father", "Grandparent", "Carer", "Foster carer", "Step-parent")

# DfE ethnicity codes, with rough national shares of pupils (illustrative only).
ETHNICITIES = ("WBRI", "WIRI", "WIRT", "WROM", "WOTH", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
               "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT")
ETHNICITY_WEIGHTS = (0.66, 0.003, 0.003, 0.006, 0.06, 0.015, 0.008, 0.012, 0.025, 0.03, 0.045, 0.018, 0.02, 0.01,
                     0.04, 0.008, 0.005, 0.018, 0.005, 0.009)

# Inward-code letters (the unit part of a postcode never uses C, I, K, M, O or V).
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
POSTCODE_AREA = "ZZ"
