// retry-after-client: the overload benchmark's polite client population (bench/overload.sh, phase "paced").
//
// C clients, each with its own keep-alive connection, send one GET after another for the given duration; a client
// answered 503 or 429 waits what the answer's Retry-After says (whole seconds, RFC 9110 §10.2.3) before it sends
// again, as SPEC §11's refusal asks of clients; hey and wrk resend at once. Starts are spread over the first second
// so the clients are not in lock-step. With -jitter F a client waits Retry-After x (1 + F x a random fraction), as
// backoff advice (RFC 9110 leaves it to the client; AWS's "full jitter") asks; without it, exactly Retry-After. Prints one tab-separated line per status: status, count, req/s, p50 ms,
// p99 ms, max ms; answers to requests sent in the first -skip are not counted.
//
//	go build -o /tmp/retry-after-client . && /tmp/retry-after-client -c 1250 -z 23s -skip 3s http://127.0.0.1:9020/x
package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"
)

func main() {
	clients := flag.Int("c", 100, "clients (one connection each)")
	duration := flag.Duration("z", 20*time.Second, "how long to send")
	skip := flag.Duration("skip", 3*time.Second, "answers to requests sent before this are not counted")
	jitter := flag.Float64("jitter", 0, "wait Retry-After x (1 + jitter x random[0,1)) after a refusal")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: retry-after-client [-c N] [-z D] [-skip D] [-jitter F] URL")
		os.Exit(2)
	}
	url := flag.Arg(0)
	transport := &http.Transport{
		MaxIdleConns:        *clients,
		MaxIdleConnsPerHost: *clients,
		MaxConnsPerHost:     *clients,
		DisableCompression:  true,
	}
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	start := time.Now()
	end := start.Add(*duration)
	countFrom := start.Add(*skip)
	var mu sync.Mutex
	latencies := map[int][]float64{}
	var wg sync.WaitGroup
	for i := 0; i < *clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			time.Sleep(time.Duration(i) * time.Second / time.Duration(*clients))
			for time.Now().Before(end) {
				sent := time.Now()
				status, wait := -1, time.Second
				resp, err := client.Get(url)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					status, wait = resp.StatusCode, 0
					if status == 503 || status == 429 {
						if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && n > 0 {
							wait = time.Duration(float64(n) * float64(time.Second) * (1 + *jitter*rand.Float64()))
						}
					}
				}
				took := float64(time.Since(sent).Microseconds()) / 1000
				if sent.After(countFrom) {
					mu.Lock()
					latencies[status] = append(latencies[status], took)
					mu.Unlock()
				}
				if wait > 0 {
					time.Sleep(wait)
				}
			}
		}(i)
	}
	wg.Wait()
	counted := end.Sub(countFrom).Seconds()
	statuses := make([]int, 0, len(latencies))
	for s := range latencies {
		statuses = append(statuses, s)
	}
	sort.Ints(statuses)
	for _, s := range statuses {
		v := latencies[s]
		sort.Float64s(v)
		pct := func(p float64) float64 { return v[int(float64(len(v)-1)*p)] }
		fmt.Printf("%d\t%d\t%.0f\t%.2f\t%.2f\t%.2f\n", s, len(v), float64(len(v))/counted, pct(0.5), pct(0.99), v[len(v)-1])
	}
}
