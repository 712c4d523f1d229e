# qualframe: framework analysis of an interview study, from raw transcripts to a
# framework matrix and theme summaries. Stages, in pipeline order:
#   ingest -> deidentify -> coding -> charting -> matrix -> themes -> provenance


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/deidentify.smk"
include: "workflow/rules/coding.smk"
include: "workflow/rules/charting.smk"
include: "workflow/rules/matrix.smk"
include: "workflow/rules/themes.smk"
include: "workflow/rules/provenance.smk"


rule all:
    default_target: True
    input:
        rules.chart.output,
        rules.charting_template.output,
        rules.summarise.output,
        rules.report.output,
        rules.review.output,
        rules.export_qdpx.output,
        rules.agreement.output,
        rules.check_quality.output,
        rules.leak_scan.output,
        rules.manifest.output,
