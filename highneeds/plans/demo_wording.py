"""The demo plans' synthetic wording: by need code, and the child's views, interests and aspirations.

Pure data, kept apart from `plans.demo` so the loader reads in one screen."""

# By need code: what the need is, an outcome, and two quantified provision items (what, who, expertise,
# frequency, duration, group size).
WORDING = {
    "SLCN": (
        "{name} has a significant delay in expressive and receptive language: they understand short "
        "instructions of two key words and speak in two- to three-word phrases.",
        "{name} will follow three-step instructions in class and ask for help using a full sentence",
        [
            (
                "Individual speech and language therapy programme",
                "Speech and language therapist",
                "HCPC-registered therapist",
                "Once a week",
                "30 minutes a session, all year",
                "1:1",
            ),
            (
                "Therapy targets practised in class",
                "Teaching assistant trained by the therapist",
                "Trained by the speech and language therapist each term",
                "Daily",
                "15 minutes",
                "1:1",
            ),
        ],
    ),
    "ASD": (
        "{name} has a diagnosis of autism: they find changes to routine and busy, noisy places very hard and "
        "can become overwhelmed.",
        "{name} will manage two planned changes of routine a week using a visual timetable",
        [
            (
                "Visual timetable and a now-and-next board, reviewed each morning",
                "Class teacher",
                "Autism Education Trust level 2 training",
                "Daily",
                "10 minutes each morning",
                "1:1",
            ),
            (
                "Social communication group",
                "Specialist autism teacher",
                "Qualified teacher with an autism specialism",
                "Once a week",
                "45 minutes, all year",
                "Group of 4",
            ),
        ],
    ),
    "SEMH": (
        "{name} experiences high anxiety, shown in refusing to enter class and leaving the room when upset.",
        "{name} will stay in class for whole lessons on four days out of five",
        [
            (
                "Emotional literacy support sessions",
                "Emotional literacy support assistant (ELSA)",
                "ELSA-trained by the educational psychology service",
                "Twice a week",
                "30 minutes, for two terms",
                "1:1",
            ),
            (
                "Key adult check-in at the start and end of the day",
                "Named key adult",
                "Trauma-informed practice training",
                "Daily",
                "10 minutes twice a day",
                "1:1",
            ),
        ],
    ),
    "SPLD": (
        "{name} has dyslexia: reading age about three years below their age, and slow, effortful spelling.",
        "{name} will read age-appropriate text at 80 words a minute",
        [
            (
                "Structured multi-sensory literacy programme",
                "Specialist dyslexia teacher",
                "Level 5 qualification in specific learning difficulties",
                "Three times a week",
                "30 minutes",
                "1:1",
            ),
            (
                "Reading and assistive technology set up for all written work",
                "Teaching assistant",
                "Trained in the software by the SEN support service",
                "Every lesson",
                "As long as the lesson",
                "1:1",
            ),
        ],
    ),
    "MLD": (
        "{name} has moderate learning difficulties: working at the level of children three years younger in "
        "English and maths.",
        "{name} will use number facts to 20 to solve two-step problems",
        [
            (
                "Small-group maths intervention",
                "Teaching assistant",
                "Trained in the intervention by the maths lead",
                "Four times a week",
                "20 minutes",
                "Group of 3",
            ),
            (
                "Pre-teaching of new vocabulary before each topic",
                "Teaching assistant",
                "Trained by the SENCO",
                "Three times a week",
                "15 minutes",
                "1:1",
            ),
        ],
    ),
    "SLD": (
        "{name} has severe learning difficulties and needs adult help with most learning and self-care.",
        "{name} will make choices using symbols across the school day",
        [
            (
                "Learning in a small specialist class",
                "Class teacher and two assistants",
                "Qualified teacher with SLD experience",
                "Every school day",
                "The whole school day",
                "Class of 8 with 3 adults",
            ),
            (
                "Makaton signing and symbols throughout the day",
                "All staff in the class",
                "Makaton foundation training",
                "Daily",
                "The whole school day",
                "1:1 and small groups",
            ),
        ],
    ),
    "PMLD": (
        "{name} has profound and multiple learning difficulties and complex physical needs.",
        "{name} will show a consistent response to a familiar adult's voice",
        [
            (
                "Sensory curriculum",
                "Specialist teacher",
                "Qualified teacher with PMLD experience",
                "Daily",
                "The whole school day",
                "Class of 6 with 4 adults",
            ),
            (
                "Postural management programme",
                "Physiotherapist with trained assistants",
                "HCPC-registered physiotherapist",
                "Twice a day",
                "20 minutes",
                "1:1",
            ),
        ],
    ),
    "DS": (
        "{name} has Down syndrome, with delayed speech and learning, and a strong visual memory.",
        "{name} will read 50 key words by sight",
        [
            (
                "Visual reading programme",
                "Teaching assistant",
                "Down Syndrome Education training",
                "Daily",
                "15 minutes",
                "1:1",
            ),
            (
                "Speech and language therapy",
                "Speech and language therapist",
                "HCPC-registered therapist",
                "Once a fortnight",
                "45 minutes, all year",
                "1:1",
            ),
        ],
    ),
    "HI": (
        "{name} has a moderate to severe hearing loss and wears two hearing aids.",
        "{name} will take part in class discussions using a radio aid",
        [
            (
                "Teaching support and equipment checks",
                "Qualified teacher of the deaf",
                "Mandatory qualification for teachers of the deaf",
                "Once a fortnight",
                "1 hour",
                "1:1",
            ),
            (
                "Radio aid used in every lesson, checked each morning",
                "Teaching assistant",
                "Trained by the teacher of the deaf",
                "Daily",
                "5 minutes each morning",
                "1:1",
            ),
        ],
    ),
    "VI": (
        "{name} has a severe visual impairment and reads modified large print.",
        "{name} will use a screen reader to complete written work independently",
        [
            (
                "Mobility and habilitation training",
                "Habilitation specialist",
                "Qualified habilitation specialist",
                "Once a week",
                "1 hour, for two terms",
                "1:1",
            ),
            (
                "Modified large-print resources for every lesson",
                "Teaching assistant",
                "Trained by the qualified teacher of the visually impaired",
                "Every lesson",
                "As long as the lesson",
                "1:1",
            ),
        ],
    ),
    "MSI": (
        "{name} has multi-sensory impairment affecting both hearing and vision.",
        "{name} will use tactile cues to move between activities",
        [
            (
                "Intervenor support",
                "Intervenor",
                "Trained intervenor",
                "Every school day",
                "The whole school day",
                "1:1",
            ),
            (
                "Advice and programme",
                "Qualified teacher of MSI",
                "Mandatory MSI qualification",
                "Twice a term",
                "2 hours",
                "1:1",
            ),
        ],
    ),
    "PD": (
        "{name} has cerebral palsy affecting movement and fine motor skills, and uses a wheelchair.",
        "{name} will record written work using a laptop at 15 words a minute",
        [
            (
                "Occupational therapy programme for fine motor skills",
                "Occupational therapist",
                "HCPC-registered occupational therapist",
                "Once a week",
                "30 minutes, all year",
                "1:1",
            ),
            (
                "Help with personal care and moving around school",
                "Teaching assistant",
                "Moving and handling training",
                "Daily",
                "As needed for each move, about 1 hour a day in total",
                "1:1",
            ),
        ],
    ),
}
WORDING["OTH"] = WORDING["MLD"]
VIEWS = [
    '{name} says: "I like it when my teacher explains things slowly and I can ask again."',
    "{name}'s family say {name} is kind, funny and loves helping at home.",
]
INTERESTS = ["Football, drawing and dinosaurs", "Music, swimming and computer games", "Animals, cooking and Lego"]
ASPIRATIONS = [
    "To have good friends and to feel happy at school",
    "To work with animals when grown up",
    "To live independently and have a job",
]
