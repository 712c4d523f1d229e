# qualframe: framework analysis of an interview study, from raw transcripts to a
# framework matrix and theme summaries. Stages, in pipeline order:
#   ingest -> deidentify -> coding -> charting -> matrix -> themes -> provenance


# The bundled demo study's config, unless the command line names one: a study's own
# config (--configfile) then stands alone instead of being merged over the demo's.
if not workflow.overwrite_configfiles:

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
        rules.review.output,
        rules.export_qdpx.output,
        # chart, charting_template, summarise, report, agreement, check_quality: once there is
        # coded data
        get_analysis_outputs(),
        rules.leak_scan.output,
        rules.manifest.output,
