import re
import zipfile

import docx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualframe.errors import QualframeError
from qualframe.ingest import (
    discover_transcripts,
    normalise_text,
    read_transcript,
    transcript_id_of,
)


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
    with pytest.raises(QualframeError, match=r"P03.vtt, line 1: not a valid WebVTT"):
        read_transcript(path)


@pytest.mark.parametrize(
    ("cues", "line", "problem"),
    [
        ("1\n00:00:01.000 --> 00:00:0x.000\nHi.\n", 4, "malformed cue timing"),
        ("00:01.000 --> 00:61.000\nHi.\n", 3, "malformed cue timing"),
        ("00:01.000 --> 00:02.000\nHi.\n00:03.000 --> 00:04.000\nYes.\n", 5, "blank line"),
    ],
)
def test_read_vtt_refuses_cues_webvtt_py_would_drop(tmp_path, cues, line, problem):
    path = tmp_path / "P03.vtt"
    path.write_text("WEBVTT\n\n" + cues, encoding="utf-8")
    with pytest.raises(QualframeError, match=rf"P03.vtt, line {line}: .*{problem}"):
        read_transcript(path)


def test_read_vtt_accepts_hours_identifiers_and_settings(tmp_path):
    path = tmp_path / "P03.vtt"
    path.write_text(
        "\ufeffWEBVTT - interview\n\nNOTE exported\n\nintro\n01:00:01.000 --> 01:00:02.500 "
        "align:start\n<v Interviewer>Hello.</v>\n\n00:03.000 --> 00:04.000\nHi.\n",
        encoding="utf-8",
    )
    assert read_transcript(path) == "Interviewer: Hello. Hi."  # no voice: same turn


@pytest.mark.parametrize("data", [b"Hello.\n\x00binary\n", "Hi.\n".encode("utf-16-le")])
def test_read_txt_refuses_nul_bytes(tmp_path, data):
    path = tmp_path / "P01.txt"
    path.write_bytes(data)
    with pytest.raises(QualframeError, match=r"P01.txt, line \d+: binary data, not text"):
        read_transcript(path)


def test_read_transcript_size_limit_and_missing_file(tmp_path):
    path = tmp_path / "P01.txt"
    path.write_text("Hello.\n", encoding="utf-8")
    assert read_transcript(path, max_bytes=7) == "Hello.\n"
    with pytest.raises(QualframeError, match="is 7 bytes, over the limit of 6 bytes"):
        read_transcript(path, max_bytes=6)
    with pytest.raises(QualframeError, match=r"P09.txt: cannot read: No such file"):
        read_transcript(tmp_path / "P09.txt")


def test_read_docx_that_is_a_zip_but_not_word(tmp_path):
    path = tmp_path / "P02.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "x")
    with pytest.raises(QualframeError, match="a zip archive but not a Word document"):
        read_transcript(path)


def test_transcript_id_of_derives_ids_from_names_as_teams_have_them():
    assert transcript_id_of("folder/P01.final.txt") == "P01.final"
    assert transcript_id_of("Interview 10.txt") == "Interview_10"
    assert transcript_id_of("Entretien élève (3).docx") == "Entretien_eleve_3"
    assert transcript_id_of("_P01.txt") == "P01"
    assert transcript_id_of("P01\n.txt") == "P01"  # a trailing newline is not part of an id


def test_transcript_id_of_refuses_names_that_give_no_id():
    for name in ("---.txt", "((( ))).docx", "日本.txt"):
        with pytest.raises(QualframeError, match="file name gives no transcript id"):
            transcript_id_of(name)
    with pytest.raises(QualframeError, match="id of 65 characters, over the limit of 64"):
        transcript_id_of("P" * 65 + ".txt")
    assert transcript_id_of("P" * 64 + ".txt") == "P" * 64


@given(st.text(min_size=1, max_size=80))
def test_derived_ids_are_whole_pattern_matches(stem):
    try:
        transcript_id = transcript_id_of(stem + ".txt")
    except QualframeError:
        return
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", transcript_id)
    assert len(transcript_id) <= 64


def test_discover_refuses_symbolic_links_unless_allowed(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("not a transcript")
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "P01.txt").write_text("x")
    (folder / "M03.txt").symlink_to(outside)
    with pytest.raises(QualframeError, match="M03.txt: symbolic link in the transcript folder"):
        discover_transcripts(folder)
    assert list(discover_transcripts(folder, allow_symlinks=True)) == ["M03", "P01"]
    (folder / "M03.txt").unlink()
    (folder / "more").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(QualframeError, match="more: symbolic link"):
        discover_transcripts(folder)


def test_discover_names_both_files_of_one_derived_id(tmp_path):
    (tmp_path / "Interview 10.txt").write_text("x")
    (tmp_path / "Interview_10.docx").write_text("x")
    with pytest.raises(QualframeError) as caught:
        discover_transcripts(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / 'Interview_10.docx'}: two transcripts share the id 'Interview_10': "
        f"{tmp_path / 'Interview 10.txt'}"
    )


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
    (tmp_path / "---.txt").write_text("x")
    with pytest.raises(QualframeError, match="file name gives no transcript id"):
        discover_transcripts(tmp_path)


def test_discover_empty_folder(tmp_path):
    with pytest.raises(QualframeError, match="no transcripts"):
        discover_transcripts(tmp_path)
