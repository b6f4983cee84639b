"""State Council holiday arrangements (放假调休), one JSON file per year, each naming its notice."""
