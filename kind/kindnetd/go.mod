module kit.local/kind/kindnetd

go 1.24
