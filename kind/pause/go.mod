module kit.local/kind/pause

go 1.24
