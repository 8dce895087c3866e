"""Fixed word lists the demo generator draws from (names, places, texts)."""

from __future__ import annotations

FIRST_NAMES = (
    "Ada", "Alex", "Amara", "Ana", "Ben", "Carla", "Chen", "Dana", "David", "Elena", "Emma",
    "Farid", "Grace", "Hana", "Ivan", "Jack", "Jin", "Julia", "Kai", "Laura", "Leo", "Lina", "Luca",
    "Maria", "Marta", "Maya", "Mei", "Nina", "Noah", "Omar", "Paul", "Priya", "Raj", "Rosa",
    "Sam", "Sara", "Sofia", "Tom", "Yuki", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Andersen", "Baker", "Brown", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito",
    "Jones", "Kim", "Kowalski", "Lee", "Lopez", "Martin", "Meyer", "Moreau", "Murphy", "Nguyen",
    "Novak", "Okafor", "Patel", "Rossi", "Sato", "Schmidt", "Silva", "Smith", "Tanaka", "Taylor",
    "Walker", "Wang", "Weber", "Wilson", "Young", "Zhang",
)  # fmt: skip

# (country, timezone, region, weight); region picks the team and the daily rhythm.
LOCATIONS = (
    ("US", "America/New_York", "amer", 18), ("US", "America/Chicago", "amer", 9),
    ("US", "America/Los_Angeles", "amer", 9), ("CA", "America/Toronto", "amer", 5),
    ("BR", "America/Sao_Paulo", "amer", 3), ("MX", "America/Mexico_City", "amer", 3),
    ("DE", "Europe/Berlin", "emea", 10), ("GB", "Europe/London", "emea", 9),
    ("FR", "Europe/Paris", "emea", 6), ("NL", "Europe/Amsterdam", "emea", 3),
    ("ES", "Europe/Madrid", "emea", 3), ("IT", "Europe/Rome", "emea", 2),
    ("SE", "Europe/Stockholm", "emea", 2), ("AU", "Australia/Sydney", "apac", 8),
    ("AU", "Australia/Melbourne", "apac", 4), ("NZ", "Pacific/Auckland", "apac", 2),
    ("SG", "Asia/Singapore", "apac", 3), ("JP", "Asia/Tokyo", "apac", 2),
    ("IN", "Asia/Kolkata", "apac", 2),
)  # fmt: skip
REGIONS = ("amer", "emea", "apac")

# (team_id, name, schedule_id or None, timezone, business open hour, close hour)
TEAMS = (
    ("TM01", "Americas Support", "amer", "America/New_York", 8, 18),
    ("TM02", "EMEA Support", "emea", "Europe/Berlin", 8, 18),
    ("TM03", "APAC Support", "apac", "Australia/Sydney", 8, 18),
    ("TM04", "Premium 24x7", "premium_24x7", "UTC", 0, 24),
    ("TM05", "Escalations", None, "UTC", 9, 17),
)
TEAM_AGENT_SHARE = (0.32, 0.27, 0.16, 0.15, 0.10)

SEGMENTS = ("enterprise", "smb", "consumer", None)
SEGMENT_SHARE = (0.05, 0.25, 0.67, 0.03)
SEGMENT_CONTACT_WEIGHT = (6.0, 2.5, 1.0, 1.0)

CATEGORIES = ("billing", "shipping", "technical", "account", "product", "returns", "other")
CATEGORY_WEIGHT = (0.20, 0.18, 0.20, 0.14, 0.12, 0.10, 0.06)
TICKET_TYPES = ("question", "incident", "problem", "task")
TICKET_TYPE_WEIGHT = (0.45, 0.30, 0.10, 0.15)

SUBJECTS = (
    ("Question about my invoice", "I was charged twice", "Update my payment method",
     "Refund not received"),
    ("Where is my order?", "Delivery is late", "Package arrived damaged",
     "Change my shipping address"),
    ("App keeps crashing", "Cannot sync my data", "Error when saving settings",
     "Integration stopped working"),
    ("Cannot log in", "Reset my password", "Delete my account", "Add a user to our account"),
    ("How do I use this feature?", "Product recommendation", "Feature request",
     "Product is not working as described"),
    ("Return request", "Exchange an item", "Return label missing", "Status of my return"),
    ("General question", "Feedback", "Partnership enquiry", "Other request"),
)  # fmt: skip

TAGS = (
    "complaint", "vip", "refund", "urgent_request", "mobile_app", "bug", "delivery_delay",
    "escalated", "password_reset", "how_to", "feedback", "churn_risk",
)  # fmt: skip

MACROS = (
    ("Billing: refund issued", "macro"), ("Billing: duplicate charge explained", "macro"),
    ("Billing: update payment method", "macro"), ("Billing: invoice copy", "macro"),
    ("Shipping: tracking link", "macro"), ("Shipping: delay apology", "macro"),
    ("Shipping: damaged parcel", "macro"), ("Shipping: address change", "macro"),
    ("Technical: clear cache", "macro"), ("Technical: collect logs", "macro"),
    ("Technical: known bug", "macro"), ("Technical: escalate to engineering", "macro"),
    ("Account: password reset", "macro"), ("Account: verify identity", "macro"),
    ("Account: deletion request", "macro"), ("Account: add seat", "macro"),
    ("Product: how-to guide", "macro"), ("Product: feature request logged", "macro"),
    ("Returns: return label", "macro"), ("Returns: refund on receipt", "macro"),
    ("Returns: exchange", "macro"), ("General: thank you", "macro"),
    ("General: need more info", "macro"), ("General: closing follow-up", "macro"),
    ("General: apology", "macro"), ("General: transfer to specialist", "macro"),
    ("Legacy: old refund policy", "macro"), ("Legacy: holiday shipping", "macro"),
    ("Legacy: beta programme", "macro"), ("General: satisfaction check", "macro"),
    ("Close solved tickets after 4 days", "automation"),
    ("Remind pending tickets after 2 days", "automation"),
    ("Escalate unassigned urgent tickets", "automation"),
    ("Tag VIP customers", "automation"), ("Solve pending tickets after 7 days", "automation"),
    ("Route by language", "trigger"), ("Auto-reply on new ticket", "trigger"),
    ("Set priority for enterprise", "trigger"), ("Route chat to chat team", "trigger"),
    ("Notify team on complaint", "trigger"),
)  # fmt: skip
INACTIVE_MACROS = (26, 27, 28, 34)  # the legacy macros and one retired automation

# Comment bodies, grouped; the generator picks an index inside a group.
BODIES = {
    "customer_open": (
        "Hello, I need help with this as soon as possible.",
        "Hi, could you please look into this for me?",
        "Hello support team, something is not right here.",
    ),
    "agent_open": (
        "Hi, we are reaching out about your recent request.",
        "Hello, a quick follow-up from our side.",
    ),
    "customer_follow_up": (
        "Thanks, here are the details you asked for.",
        "I tried that but it still does not work.",
        "Any update on this?",
        "Please see the attached screenshot.",
        "That helped, but I have one more question.",
    ),
    "customer_reopen": (
        "Sorry, the problem is back.",
        "This is not solved, please reopen.",
        "I still have not received anything.",
    ),
    "agent_first": (
        "Thanks for reaching out! Could you share a few more details?",
        "Hi, thanks for contacting us. I am looking into this now.",
        "Thank you for your patience, here is what I found.",
        "Sorry for the trouble. Could you confirm your order number?",
    ),
    "agent_follow_up": (
        "Thanks for the details, I have passed this on.",
        "Could you try the steps below and let me know?",
        "I have checked with the team and here is an update.",
    ),
    "agent_solve": (
        "This should now be fixed. Let us know if anything else comes up!",
        "I have processed this for you. Have a great day!",
        "Glad we could sort this out.",
    ),
    "internal_note": (
        "Checked the billing system, charge looks duplicated.",
        "Customer is on an old plan; see account history.",
        "Waiting on engineering, linked to known issue.",
        "Spoke to the warehouse, parcel is delayed.",
    ),
    "bot": (
        "Hi! I am the virtual assistant. A support agent will be with you shortly.",
        "Thanks for your message. While you wait, our help center may have the answer.",
    ),
}

CHAT_BODIES = {
    "bot_greeting": (
        "Hi there! How can we help you today?",
        "Welcome! Ask me anything or type 'agent' to talk to a person.",
    ),
    "bot_handoff": ("Connecting you to an agent...", "An agent will join in a moment."),
    "bot_idle": ("Are you still there?", "This chat will close due to inactivity."),
    "customer_open": (
        "Hi, I have a question about my order.",
        "My payment did not go through.",
        "The app shows an error.",
    ),
    "customer": (
        "Ok, thanks.",
        "Yes, that is right.",
        "Can you check again please?",
        "Great, thank you!",
    ),
    "agent": (
        "Hi! Let me check that for you.",
        "Thanks, one moment please.",
        "I can see the issue now.",
        "That has been updated on your account.",
        "Is there anything else I can help with?",
        "Thanks for chatting with us!",
    ),
}

ARTICLE_TITLES = (
    "How to read your invoice", "Refund timelines", "Updating payment details", "Tracking a parcel",
    "Delivery times by country", "Changing a delivery address", "Troubleshooting sync errors",
    "Reinstalling the app", "Connecting integrations", "Resetting your password",
    "Managing users and seats", "Closing your account", "Getting started guide",
    "Using advanced features", "Product care instructions", "Starting a return",
    "Exchanges and replacements", "Return shipping labels", "Contacting support",
    "Our service hours",
)  # fmt: skip
# Category index of each article above (same order as CATEGORIES).
ARTICLE_CATEGORY = (0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6)

SURVEY_COMMENTS = (
    "Quick and helpful, thank you!", "Took too long to get an answer.",
    "The agent was very friendly.", "Problem still not solved.", "Great service.",
    "Had to explain my issue several times.", "Easy and fast.", "Not happy with the outcome.",
)  # fmt: skip
NPS_TOPICS = ("product", "pricing", "support", "delivery", "app")

PLANS = ("basic", "plus", "pro", "team", "enterprise")
PLAN_AMOUNT = (9.99, 19.99, 49.0, 199.0, 1500.0)
CANCELLATION_REASONS = (
    "too_expensive", "switched_to_competitor", "no_longer_needed", "poor_support",
    "missing_features", "other",
)  # fmt: skip
RETURN_REASONS = (
    "damaged", "wrong_item", "not_as_described", "changed_mind", "defective", "too_late",
)  # fmt: skip
