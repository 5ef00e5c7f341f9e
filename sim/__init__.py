"""wijkteam-sim: agent-based simulation of Dutch social neighbourhood teams."""
