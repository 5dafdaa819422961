"""Checks an e-invoice the way a Dutch public buyer's validator does: the OASIS UBL 2.1 XSD (lxml),
then the CEN EN 16931 and the Peppol BIS Billing 3.0 Schematron rules (SchXslt 1.9.5 in Saxon's
XSLT 3.0 processor, ``saxonche``). The artefacts and their sources: tests/data/einvoice/README.md.

Compiling a ``.sch`` takes seconds; the compiled XSLT is kept in the temp folder, under a name made
from the rules' own bytes, so a changed rule set is compiled again and the suite compiles once."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from saxonche import PySaxonProcessor

HERE = Path(__file__).resolve().parent / "data" / "einvoice"
XSD = {
    "Invoice": HERE / "ubl-2.1/xsd/maindoc/UBL-Invoice-2.1.xsd",
    "CreditNote": HERE / "ubl-2.1/xsd/maindoc/UBL-CreditNote-2.1.xsd",
}
RULES = ("CEN-EN16931-UBL.sch", "PEPPOL-EN16931-UBL.sch")
PIPELINE = HERE / "schxslt/xslt-2.0/pipeline-for-svrl.xsl"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


@dataclass(frozen=True)
class Finding:
    rule: str  # the rule's id, e.g. PEPPOL-EN16931-R003
    fatal: bool
    text: str
    location: str


@dataclass(frozen=True)
class Report:
    xsd_errors: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[str]:
        """Everything that makes a buyer's validator refuse the document."""
        return [*self.xsd_errors, *(f"{f.rule}: {f.text} ({f.location})" for f in self.fatal)]

    @property
    def fatal(self) -> list[Finding]:
        return [f for f in self.findings if f.fatal]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.fatal]

    def failed(self, rule: str) -> bool:
        return any(f.rule == rule for f in self.fatal)


class Validator:
    def __init__(self) -> None:
        self._processor = PySaxonProcessor(license=False)
        xslt = self._processor.new_xslt30_processor()
        self._rules = [
            xslt.compile_stylesheet(stylesheet_file=str(_compiled(xslt, name))) for name in RULES
        ]
        self._schemas = {
            root: etree.XMLSchema(etree.parse(str(path))) for root, path in XSD.items()
        }

    def check(self, document: bytes) -> Report:
        tree = etree.fromstring(document)
        root = etree.QName(tree).localname
        schema = self._schemas[root]
        schema.validate(tree)
        xsd_errors = tuple(f"XSD line {e.line}: {e.message}" for e in schema.error_log)
        source = self._processor.parse_xml(xml_text=document.decode("utf-8"))
        findings = []
        for rules in self._rules:
            svrl = etree.fromstring(rules.transform_to_string(xdm_node=source).encode("utf-8"))
            for failed in svrl.iter(f"{SVRL}failed-assert"):
                findings.append(
                    Finding(
                        rule=failed.get("id"),
                        fatal=failed.get("flag", "fatal") == "fatal",
                        text=" ".join(failed.findtext(f"{SVRL}text", "").split()),
                        location=failed.get("location", ""),
                    )
                )
        return Report(xsd_errors, tuple(findings))


def _compiled(xslt, name: str) -> Path:
    source = HERE / "peppol-bis-3/sch" / name
    digest = hashlib.sha256(source.read_bytes() + PIPELINE.read_bytes()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / "wijkwerk-einvoice" / f"{name}.{digest}.xsl"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{id(xslt)}.tmp")
        pipeline = xslt.compile_stylesheet(stylesheet_file=str(PIPELINE))
        pipeline.transform_to_file(source_file=str(source), output_file=str(partial))
        partial.replace(target)  # atomic: a parallel run never reads half a file
    return target
