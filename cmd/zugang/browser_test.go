package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The browser tests drive the form in real headless Chromium (Debian's
// chromium package). Locally they skip with a message when no Chromium is
// installed; CI sets ZUGANG_BROWSER_TESTS=require, and then they fail.

// chromium finds the browser: $ZUGANG_CHROMIUM, else chromium on PATH.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("ZUGANG_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("ZUGANG_BROWSER_TESTS") == "require" {
		t.Fatal("ZUGANG_BROWSER_TESTS=require but no Chromium is installed (apt-get install chromium)")
	}
	t.Skip("no Chromium installed: the browser tests of the web form are skipped (apt-get install chromium, or set ZUGANG_CHROMIUM)")
	return ""
}

// newBrowser starts one headless Chromium for a test; tabs come from it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844), // a phone screen
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser now, so a failure is clear
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// callbackApp is the tenant's app: it records where the user came back.
type callbackApp struct {
	srv  *httptest.Server
	mu   sync.Mutex
	hits []string
}

func newCallbackApp(t *testing.T) *callbackApp {
	a := &callbackApp{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/app/") { // not the browser's favicon request
			a.mu.Lock()
			a.hits = append(a.hits, r.URL.RequestURI())
			a.mu.Unlock()
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!DOCTYPE html><title>App</title><p>Back in the app.</p>")
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *callbackApp) last() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.hits) == 0 {
		return ""
	}
	return a.hits[len(a.hits)-1]
}

// screenshotDir is where every page's screenshot is kept for review.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("ZUGANG_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join("testdata", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var unsafeName = regexp.MustCompile(`[^a-z0-9]+`)

// tab is one scenario in one browser tab.
type tab struct {
	t    *testing.T
	ctx  context.Context
	name string
	n    int
	dir  string
}

// shoot keeps a screenshot of the page as it is now.
func (b *tab) shoot(what string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot: %v", err)
	}
	b.n++
	name := fmt.Sprintf("%s-%02d-%s.png", unsafeName.ReplaceAllString(strings.ToLower(b.name), "-"), b.n, unsafeName.ReplaceAllString(what, "-"))
	if err := os.WriteFile(filepath.Join(b.dir, name), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// navigate runs actions that load a new page and waits for it.
func (b *tab) navigate(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, actions...); err != nil {
		body, _ := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
		b.t.Fatalf("%s: %v\n%s", what, err, body)
	}
}

// step fills the fields of the form with the action's button and clicks it,
// as a user would: typing into inputs, picking radios.
func (b *tab) step(st formStep) {
	b.t.Helper()
	var actions []chromedp.Action[chromedp.Void]
	for name, v := range st.fields {
		choice := fmt.Sprintf(`input[name=%q][value=%q]`, name, v)
		// The test's own probe; the page itself runs no script.
		n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, choice)))
		if err != nil {
			b.t.Fatal(err)
		}
		if n > 0 { // a radio or checkbox with that value: pick it
			actions = append(actions, chromedp.Click(chromedp.CSS(choice)))
			continue
		}
		field := chromedp.CSS(fmt.Sprintf(`input[name=%q]`, name))
		actions = append(actions, chromedp.Clear(field), chromedp.SendKeys(field, v))
	}
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: fill in: %v", st.action, err)
	}
	b.navigate(st.action, chromedp.Click(chromedp.CSS(fmt.Sprintf(`button[value=%q]`, st.action))))
}

// atBank follows the redirect page's link and approves on the bank's page.
func (b *tab) atBank() {
	b.t.Helper()
	b.navigate("to the bank", chromedp.Click(chromedp.CSS(`a[href*="/demo-bank/authorize"]`)))
	b.shoot("bank")
	b.navigate("approve", chromedp.Click(chromedp.CSS(`button[value="approved"]`)))
}

// approveInApp waits on the self-refreshing page, pressing its button,
// until the bank's app approval arrives.
func (b *tab) approveInApp() {
	b.t.Helper()
	for i := 0; i < 5; i++ {
		body, err := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
		if err != nil {
			b.t.Fatal(err)
		}
		if !strings.Contains(body, `http-equiv="refresh"`) {
			return
		}
		b.shoot("waiting")
		b.navigate("poll", chromedp.Click(chromedp.CSS(`button[value="poll"]`)))
	}
	b.t.Fatal("still waiting for the app approval")
}

// photoTANAnswer reads what the photoTAN device would show, and checks
// the image loaded.
func (b *tab) photoTANAnswer() string {
	b.t.Helper()
	loaded, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(() => { const i = document.querySelector('img[src$="/challenge.png"]'); return !!i && i.complete && i.naturalWidth > 0 })()`))
	if err != nil || !loaded {
		b.t.Errorf("the photoTAN image did not load: %v", err)
	}
	body, _ := chromedp.Run(b.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	m := photoTANAnswer.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no photoTAN answer on the page:\n%s", body)
	}
	return m[1]
}

// TestWebFormInBrowser plays every scenario in headless Chromium and keeps
// a screenshot of every page.
func TestWebFormInBrowser(t *testing.T) {
	ctx := newBrowser(t)
	dir := screenshotDir(t)
	t.Logf("screenshots in %s", dir)
	for _, sc := range formScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			g := newFormGateway(t)
			app := newCallbackApp(t)
			id, location := g.begin(t)
			location = strings.Replace(location, url.QueryEscape(callbackURL), url.QueryEscape(app.srv.URL+"/app/back?ref=42"), 1)
			// One tab for all scenarios: a background tab renders no frames,
			// so its screenshots would never come.
			b := &tab{t: t, ctx: ctx, name: sc.name, dir: dir}
			b.navigate("open", chromedp.Navigate(location))
			b.shoot("open")
			for _, st := range sc.steps {
				if app.last() != "" {
					t.Fatalf("back in the app before %s", st.action)
				}
				switch st.action {
				case atBank.action:
					b.atBank()
				case approveInApp.action:
					b.approveInApp()
				default:
					if st.fields["tan"] == "from-page" {
						st = tan(b.photoTANAnswer())
					}
					b.step(st)
				}
				b.shoot(st.action)
			}
			want := "/app/back?ref=42&baReentry=" + sc.reentry
			if got := app.last(); got != want {
				t.Fatalf("the app got %q, want %q", got, want)
			}
			status, accStatus := g.access(t, id)
			if sc.created && (status != http.StatusOK || accStatus != "VOLLSTAENDIG") {
				t.Errorf("access after the form: %d %s", status, accStatus)
			}
		})
	}
}
