package sync

// Program is this program's version (FyneApp.toml's Version): a station
// sends it with every bundle, and the county's station list shows it.
const Program = "0.2.0"
