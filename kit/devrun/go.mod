module kit.local/devrun

go 1.24
