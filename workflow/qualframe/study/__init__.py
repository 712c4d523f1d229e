"""A study folder: its layout, its config, and studies made from CAQDAS projects."""
