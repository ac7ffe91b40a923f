"""Segments and audiences: category rule segments with their ROI, audience members, and upload files."""
