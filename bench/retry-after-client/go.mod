module fanout.io/bench/retryafterclient

go 1.19
