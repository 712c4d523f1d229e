import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualframe.errors import QualframeError
from qualframe.ingest import discover_transcripts, normalise_text, read_transcript


def test_normalise_removes_bom_and_crlf_and_composes():
    raw = "\ufeffInterviewer: Cafe\u0301?\r\n\r\n\r\nParticipant: Yes.  \rOK\r\n"
    assert normalise_text(raw) == "Interviewer: Café?\n\nParticipant: Yes.\nOK\n"


def test_normalise_empty_stays_empty():
    assert normalise_text("\ufeff\r\n\n") == ""


@given(st.text())
def test_normalise_is_idempotent_and_lf_only(raw):
    once = normalise_text(raw)
    assert normalise_text(once) == once
    assert "\r" not in once and "\ufeff" not in once[:1]
    assert once == "" or once.endswith("\n")


def test_read_txt_rejects_non_utf8_naming_the_line(tmp_path):
    path = tmp_path / "P01.txt"
    path.write_bytes(b"fine line\ncaf\xe9 line\n")
    with pytest.raises(QualframeError, match=r"P01.txt, line 2: not UTF-8.*0xe9"):
        read_transcript(path)


def test_read_docx_paragraphs(tmp_path):
    path = tmp_path / "P02.docx"
    document = docx.Document()
    for text in ["Interviewer: Hello.", "", "Participant: Hi there."]:
        document.add_paragraph(text)
    document.save(path)
    assert read_transcript(path) == "Interviewer: Hello.\n\nParticipant: Hi there."


def test_read_broken_docx_is_a_clear_error(tmp_path):
    path = tmp_path / "P02.docx"
    path.write_bytes(b"not a zip")
    with pytest.raises(QualframeError, match="not a readable .docx"):
        read_transcript(path)


def test_read_vtt_joins_cues_into_turns(tmp_path):
    path = tmp_path / "P03.vtt"
    path.write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v Interviewer>So, um,</v>\n\n"
        "2\n00:00:02.000 --> 00:00:03.000\n<v Interviewer>your role?</v>\n\n"
        "3\n00:00:03.500 --> 00:00:05.000\n<v Participant>I run the A&amp;E liaison.</v>\n",
        encoding="utf-8",
    )
    assert read_transcript(path) == (
        "Interviewer: So, um, your role?\n\nParticipant: I run the A&E liaison."
    )


def test_read_bad_vtt(tmp_path):
    path = tmp_path / "P03.vtt"
    path.write_text("not a vtt file\n", encoding="utf-8")
    with pytest.raises(QualframeError, match="P03.vtt: not a valid WebVTT"):
        read_transcript(path)


def test_discover_transcripts(tmp_path):
    for name in ["P02.docx", "P01.txt", "notes.md", ".hidden.txt", "~$P01.docx"]:
        (tmp_path / name).write_text("x")
    assert list(discover_transcripts(tmp_path)) == ["P01", "P02"]


def test_discover_rejects_duplicate_ids(tmp_path):
    (tmp_path / "P01.txt").write_text("x")
    (tmp_path / "P01.vtt").write_text("x")
    with pytest.raises(QualframeError, match="two transcripts share the id 'P01'"):
        discover_transcripts(tmp_path)


def test_discover_rejects_unusable_names(tmp_path):
    (tmp_path / "P 01.txt").write_text("x")
    with pytest.raises(QualframeError, match="cannot serve as a transcript id"):
        discover_transcripts(tmp_path)


def test_discover_empty_folder(tmp_path):
    with pytest.raises(QualframeError, match="no transcripts"):
        discover_transcripts(tmp_path)
