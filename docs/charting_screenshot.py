"""Make docs/charting_filled_sheet.png: one theme sheet of the demo's charting template,
filled with example summaries, rendered by LibreOffice Calc.

Run after `make run` (or any demo run) from the repository root:
    python docs/charting_screenshot.py results/matrix/charting_template.xlsx
Needs `soffice` (apt-get install libreoffice-calc-nogui) and `pdftoppm` (poppler-utils).
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.worksheet.properties import PageSetupProperties

SHEET = "Setting up the service"
SUMMARIES = {
    "F3": "Came from the community nurses: young people waited overnight in A&E with "
    "nowhere else to go [P07 ¶4].",
    "G3": "Young people on the steering group chose the evening hours [P07 ¶9].",
    "H3": "Pilot start slipped six months in 2020; staff redeployed to wards [P07 ¶14].",
    "F4": "Bottom-up from the CAMHS team; commissioners joined later [P15 ¶3].",
    "G4": "Involvement limited to a feedback survey; wants more co-production [P15 ¶8].",
    "I4": "Shares a building with the community team; no private room for families [P15 ¶11].",
    "F5": "Grew out of a voluntary-sector drop-in that already had the trust of users [P05 ¶5].",
    "H5": "Moved online during lockdown; kept a phone line open at night [P05 ¶12].",
    "I6": "Premises lease renewed yearly, which blocks long-term plans [P13 ¶7].",
}
OUTPUT = Path(__file__).with_name("charting_filled_sheet.png")


def filled_sheet(template: Path, target: Path) -> None:
    """The template's SHEET alone, filled, printable on one landscape page."""
    book = openpyxl.load_workbook(template)
    for sheet in list(book.worksheets):
        if sheet.title != SHEET:
            book.remove(sheet)
    sheet = book[SHEET]
    for cell, text in SUMMARIES.items():
        sheet[cell] = text
    for row in range(3, 8):
        sheet.row_dimensions[row].height = 75
    sheet.print_area = "A1:I7"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = sheet.page_setup.fitToHeight = 1
    sheet.print_options.gridLines = sheet.print_options.headings = True
    margins = sheet.page_margins
    margins.left = margins.right = margins.top = margins.bottom = 0.2
    book.save(target)


def main(template: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        filled_sheet(Path(template), work / "filled.xlsx")
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{work / 'profile'}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(work / "filled.xlsx"),
            ],
            check=True,
            capture_output=True,
        )
        # the top of the A4 page at 150 dpi: the sheet, without the blank rest
        subprocess.run(
            ["pdftoppm", "-png", "-r", "150", "-singlefile", "-x", "0", "-y", "0"]
            + ["-W", "1754", "-H", "460", str(work / "filled.pdf"), str(OUTPUT.with_suffix(""))],
            check=True,
        )
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "results/matrix/charting_template.xlsx")
