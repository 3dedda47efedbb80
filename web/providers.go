package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/zugang/zugang/aggregator"
)

// providerJSON is BANKSapi's Provider object, fields in the seed's order.
type providerJSON struct {
	ID                 string                         `json:"id"`
	Name               string                         `json:"name"`
	ConsumerRelevant   bool                           `json:"consumerRelevant"`
	Group              string                         `json:"group,omitempty"`
	BLZ                string                         `json:"blz,omitempty"`
	BIC                string                         `json:"bic,omitempty"`
	Relations          []aggregator.Relation          `json:"relations"`
	Capabilities       []string                       `json:"capabilities"`
	Channels           [][]aggregator.ProductCategory `json:"channels,omitempty"`
	AuthenticationInfo authenticationInfoJSON         `json:"authenticationInfo"`
}

type authenticationInfoJSON struct {
	LoginHint string      `json:"loginHint,omitempty"`
	Fields    []fieldJSON `json:"fields"`
}

type fieldJSON struct {
	FieldKey string `json:"fieldkey"`
	Label    string `json:"label"`
	Secret   bool   `json:"secret"`
	Hint     string `json:"hint,omitempty"`
	Format   string `json:"format"`
}

func (s *Server) newProviderJSON(p aggregator.ProviderInfo) providerJSON {
	rels := make([]aggregator.Relation, 0, 2)
	for _, r := range aggregator.ProviderRelations(p) {
		if rel, ok := s.links.providerRel(r, &p); ok {
			rels = append(rels, rel)
		}
	}
	return providerJSON{
		ID: p.ID, Name: p.Name, ConsumerRelevant: p.ConsumerRelevant, Group: p.Group, BLZ: p.BLZ, BIC: p.BIC,
		Relations: rels, Capabilities: p.Capabilities, Channels: p.Channels,
		AuthenticationInfo: authenticationInfoJSON{LoginHint: p.LoginHint, Fields: mapSlice(p.Fields,
			func(f aggregator.LoginField) fieldJSON {
				return fieldJSON{FieldKey: f.Key, Label: f.Label, Secret: f.Secret, Hint: f.Hint, Format: f.Format}
			})},
	}
}

// listProviders is GET /providers/v2[?q=…].
func (s *Server) listProviders(c *gin.Context) error {
	ps := s.providers.Providers(c.Request.Context(), c.Query("q"))
	writeJSON(c, http.StatusOK, mapSlice(ps, s.newProviderJSON))
	return nil
}

// getProviderOrLogo is GET /providers/v2/{provider-id}; a last segment
// ending in ".svg" is a logo, which is public.
func (s *Server) getProviderOrLogo(c *gin.Context) error {
	id := c.Param("provider")
	if name, ok := strings.CutSuffix(id, ".svg"); ok {
		svg, err := s.providers.Logo(c.Request.Context(), name)
		if err != nil {
			return err
		}
		c.Header("Cache-Control", "public, max-age=86400")
		c.Data(http.StatusOK, "image/svg+xml", svg)
		return nil
	}
	if _, err := s.authorize(c, access{aggregator.ScopeProviderRead, anyToken}); err != nil {
		return err
	}
	p, err := s.providers.Provider(c.Request.Context(), id)
	if err != nil {
		return err
	}
	body, ok := s.providerBodies.Load(p.ID)
	if !ok {
		b, err := marshalJSON(s.newProviderJSON(p))
		if err != nil {
			return aggregator.Internal("web.getProvider", err)
		}
		body, _ = s.providerBodies.LoadOrStore(p.ID, b)
	}
	c.Data(http.StatusOK, contentTypeJSON, body.([]byte))
	return nil
}
