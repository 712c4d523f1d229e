"""REFI-QDA exchange: .qdpx/.qdc import (archive, xsd, read); export in write.py."""
