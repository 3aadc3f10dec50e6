"""Loading: the rules directory, local overlays and case files, validated into the model."""
