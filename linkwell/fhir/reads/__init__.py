"""FHIR reads of the person's record beyond referrals: Goal, QuestionnaireResponse, Questionnaire, Consent, and messages back as Composition documents."""
