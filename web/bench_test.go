package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/zugang/zugang/aggregator"
)

// BenchmarkProviderGet compares an authenticated GET /providers/v2/{id}
// (bearer token looked up in the store: real Redis when REDIS_URL is set)
// with a bare gin handler serving the same bytes, both over real HTTP on
// loopback, side by side in one run. Issue #2 asks for at least half the
// bare throughput; compare the req/s of the sub-benchmarks. The last one
// counts every request against the client's and the user's rate limit in
// the store (limits high enough never to refuse): issue #9 asks for at
// least half with them.
func BenchmarkProviderGet(b *testing.B) {
	h := newHarnessWithLog(b, benchLogger())
	token := h.newCustomer("bench").token
	path := "/providers/v2/" + demoProviderID
	want := h.do(request{method: "GET", path: path, header: bearer(token)}).body

	bare := gin.New()
	bare.GET("/providers/v2/:provider", func(c *gin.Context) { c.Data(http.StatusOK, contentTypeJSON, want) })

	b.Run("bare-gin", func(b *testing.B) { benchHTTP(b, bare, path, "", len(want)) })
	b.Run("zugang-authenticated", func(b *testing.B) {
		h.srv.rates = nil
		benchHTTP(b, h.srv, path, token, len(want))
	})
	b.Run("zugang-ratelimited", func(b *testing.B) {
		plenty := aggregator.RateRule{Requests: 1 << 30, Period: time.Second}
		h.srv.rates = &aggregator.RateLimits{Limiter: h.store.RateLimiter(), PerClient: plenty, PerUser: plenty}
		benchHTTP(b, h.srv, path, token, len(want))
	})
}

// benchConcurrency is the number of requests in flight per GOMAXPROCS:
// throughput under load, not the latency of one client.
const benchConcurrency = 32

// benchHTTP drives handler over a loopback HTTP server with parallel
// keep-alive clients and reports requests per second.
func benchHTTP(b *testing.B, handler http.Handler, path, token string, wantLen int) {
	benchRequests(b, handler, func(base string, _ int64) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req
	}, wantLen)
}

// benchRequests is benchHTTP with a request per operation number, for
// benchmarks whose every operation needs its own target.
func benchRequests(b *testing.B, handler http.Handler, newReq func(base string, n int64) *http.Request, wantLen int) {
	srv := httptest.NewServer(handler)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	defer client.CloseIdleConnections()
	var seq atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(benchConcurrency)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res, err := client.Do(newReq(srv.URL, seq.Add(1)-1))
			if err != nil {
				b.Error(err)
				return
			}
			n, _ := io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || (wantLen >= 0 && int(n) != wantLen) {
				b.Errorf("status %d, %d bytes", res.StatusCode, n)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// benchLogger is the production logger's cost (JSON, info), written nowhere.
func benchLogger() *zap.Logger {
	return zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), zapcore.AddSync(io.Discard), zapcore.InfoLevel))
}

// BenchmarkBankAccessGet compares GET of one bank access with five
// products (token lookup and access read in the store) with a bare gin
// handler serving the same bytes. Issue #3 asks for at least half.
func BenchmarkBankAccessGet(b *testing.B) {
	h := newHarnessWithLog(b, benchLogger())
	c := h.newCustomer("bench")
	id := uuid.NewString()
	c.add(id, "demo1", "demo1", "")
	path := "/customer/v2/bankzugaenge/" + id
	want := c.call("GET", path, "").body
	bare := gin.New()
	bare.GET("/customer/v2/bankzugaenge/:access", func(c *gin.Context) { c.Data(http.StatusOK, contentTypeJSON, want) })
	b.Run("bare-gin", func(b *testing.B) { benchHTTP(b, bare, path, "", len(want)) })
	b.Run("zugang-authenticated", func(b *testing.B) { benchHTTP(b, h.srv, path, c.token, len(want)) })
}

// BenchmarkSetMethod compares the set_method step of an SCA against the
// demo bank (latency 0) with a bare gin handler answering the same bytes.
// Each operation needs an access waiting for its method; they are made
// before the timer starts. Issue #3 asks for at least a quarter.
func BenchmarkSetMethod(b *testing.B) {
	h := newHarnessWithLog(b, benchLogger())
	c := h.newCustomer("bench")
	ctx := b.Context()
	p, err := h.auth.Authenticate(ctx, c.token)
	if err != nil {
		b.Fatal(err)
	}
	creds := encrypt(b, map[string]string{"userid": "demo2", "pin": "demo2"})
	// waiting makes n accesses waiting for their method and returns their consent paths.
	waiting := func(n int) []string {
		paths := make([]string, n)
		for i := range paths {
			id := uuid.NewString()
			req := map[string]aggregator.AccessRequest{id: {ProviderID: demoProviderID, Credentials: creds}}
			if _, err := h.srv.accesses.Add(ctx, p, req, []string{id}, aggregator.AccessOptions{}); err != nil {
				b.Fatal(err)
			}
			acc, err := h.srv.accesses.Access(ctx, p, id)
			if err != nil {
				b.Fatal(err)
			}
			paths[i] = "/customer/v2/bankzugaenge/" + id + "/consent/" + acc.CurrentSCA().ConsentID
		}
		return paths
	}
	sample := waiting(1)[0]
	want := c.call("POST", sample, `{"chosenScaMethodId":"1"}`).body
	bare := gin.New()
	bare.POST("/customer/v2/bankzugaenge/:access/consent/:consent", func(c *gin.Context) {
		c.Data(http.StatusOK, contentTypeJSON, want)
	})
	post := func(paths []string, token string) func(string, int64) *http.Request {
		return func(base string, n int64) *http.Request {
			req, _ := http.NewRequest(http.MethodPost, base+paths[n%int64(len(paths))], strings.NewReader(`{"chosenScaMethodId":"1"}`))
			req.Header.Set("Content-Type", "application/json")
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			return req
		}
	}
	b.Run("bare-gin", func(b *testing.B) { benchRequests(b, bare, post([]string{sample}, ""), len(want)) })
	b.Run("zugang-set_method", func(b *testing.B) {
		paths := waiting(b.N)
		b.ResetTimer()
		benchRequests(b, h.srv, post(paths, c.token), -1)
	})
}
