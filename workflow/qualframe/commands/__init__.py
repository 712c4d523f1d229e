"""The subcommands of `qualframe`, one module per stage."""
