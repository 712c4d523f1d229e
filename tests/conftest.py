"""Shared fixtures: tiny codebook, cases and texts for unit tests."""

import pandas as pd
import pytest

from qualframe.coding import codebook_from_dict

CODEBOOK = {
    "themes": [
        {
            "id": "people",
            "name": "People",
            "codes": [
                {
                    "id": "leadership",
                    "name": "Leadership",
                    "definition": "Leaders helping.",
                    "valence": "facilitator",
                    "cfir_domain": "Individuals",
                    "cfir_construct": "High-level Leaders",
                },
                {
                    "id": "workforce",
                    "name": "Workforce",
                    "definition": "Staffing problems.",
                    "valence": "barrier",
                    "cfir_domain": "Inner Setting",
                    "cfir_construct": "Available Resources",
                },
            ],
        },
        {
            "id": "money",
            "name": "Money",
            "codes": [
                {
                    "id": "funding",
                    "name": "Funding",
                    "definition": "Revenue funding.",
                    "valence": "barrier",
                    "cfir_domain": "Outer Setting",
                    "cfir_construct": "Financing",
                },
            ],
        },
    ]
}

TEXTS = {
    "A1": "Interviewer: Tell me about it.\n\nParticipant: Our director backed us all the way."
    " But we could not recruit nurses.\n",
    "A2": "Interviewer: And funding?\n\nParticipant: The money ran out in a year.\n\n"
    "Participant: Staff left, we could not recruit nurses.\n",
}


@pytest.fixture
def codebook_dict():
    return CODEBOOK


@pytest.fixture
def codebook():
    return codebook_from_dict(CODEBOOK)


@pytest.fixture
def texts():
    return dict(TEXTS)


@pytest.fixture
def cases():
    return pd.DataFrame(
        {
            "case_id": ["A1", "A2", "A3"],
            "service_type": ["café", "house", "café"],
            "region": ["London", "London", "Midlands"],
        }
    )
