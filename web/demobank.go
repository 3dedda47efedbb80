package web

import (
	"context"
	"embed"
	"html/template"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/zugang/zugang/aggregator"
)

//go:embed templates/demobank.html
var templateFS embed.FS

// demoBankPage is the demo bank's redirect page, which the gateway serves
// for the demo provider (a real bank serves its own).
var demoBankPage = template.Must(template.ParseFS(templateFS, "templates/demobank.html"))

// RedirectCompleter finishes a redirect SCA (aggregator.Accesses).
type RedirectCompleter interface {
	CompleteRedirect(ctx context.Context, token string, result url.Values) (string, error)
}

type demoBankView struct {
	Done   bool
	Action string
	Token  string
	State  string
}

func renderDemoBank(c *gin.Context, status int, v demoBankView) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	c.Status(status)
	if err := demoBankPage.Execute(c.Writer, v); err != nil {
		requestLogger(c).Error("demo bank page", zap.Error(err))
	}
}

// demoBankAuthorize is GET /demo-bank/authorize?token=…&state=…: the page
// that asks the user to approve. The token is the capability; it is only
// checked on the answer, so the page itself reveals nothing.
func (s *Server) demoBankAuthorize(c *gin.Context) error {
	token := c.Query("token")
	if token == "" {
		return aggregator.NotFound("web.demoBankAuthorize", "redirect session")
	}
	renderDemoBank(c, http.StatusOK, demoBankView{Action: s.links.base + "/demo-bank/authorize", Token: token, State: c.Query("state")})
	return nil
}

// demoBankAnswer is POST /demo-bank/authorize: the user's answer. It
// completes the SCA and sends the browser back to the callbackUrl.
func (s *Server) demoBankAnswer(c *gin.Context) error {
	if err := s.parseForm(c); err != nil {
		return err
	}
	f := c.Request.PostForm
	callback, err := s.redirects.CompleteRedirect(c.Request.Context(), f.Get("token"),
		url.Values{"result": {f.Get("result")}, "state": {f.Get("state")}})
	if err != nil {
		return err
	}
	if callback == "" {
		renderDemoBank(c, http.StatusOK, demoBankView{Done: true})
		return nil
	}
	c.Redirect(http.StatusSeeOther, callback)
	return nil
}
