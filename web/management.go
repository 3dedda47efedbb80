package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/zugang/zugang/aggregator"
)

type tenantJSON struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

type clientJSON struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Scopes      []string `json:"scopes"`
	Roles       []string `json:"roles"`
}

type roleJSON struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// userJSON carries the id twice: the seed's schema calls it "id", its
// examples "userReference"; clients may read either.
type userJSON struct {
	ID            string   `json:"id"`
	UserReference string   `json:"userReference"`
	Username      string   `json:"username"`
	Firstname     string   `json:"firstname,omitempty"`
	Lastname      string   `json:"lastname,omitempty"`
	Roles         []string `json:"roles,omitempty"`
}

func newTenantJSON(t *aggregator.Tenant) tenantJSON {
	return tenantJSON{Name: t.Name, Description: t.Description}
}

func newClientJSON(c *aggregator.Client) clientJSON {
	out := clientJSON{ID: c.ID, Name: c.Name, Description: c.Description,
		Scopes: make([]string, len(c.Scopes)), Roles: make([]string, len(c.Roles))}
	for i, sc := range c.Scopes {
		out.Scopes[i] = string(sc)
	}
	for i, r := range c.Roles {
		out.Roles[i] = r.Name
	}
	return out
}

func newUserJSON(u aggregator.User) userJSON {
	return userJSON{ID: u.ID, UserReference: u.ID, Username: u.Username,
		Firstname: u.Firstname, Lastname: u.Lastname, Roles: u.Roles}
}

func mapSlice[T, W any](in []T, f func(T) W) []W {
	out := make([]W, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func (s *Server) listTenants(c *gin.Context) error {
	ts, err := s.mgmt.Tenants(c.Request.Context(), principal(c))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, mapSlice(ts, newTenantJSON))
	return nil
}

func (s *Server) getTenant(c *gin.Context) error {
	t, err := s.mgmt.Tenant(c.Request.Context(), principal(c), c.Param("tenant"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, newTenantJSON(t))
	return nil
}

func (s *Server) listClients(c *gin.Context) error {
	cs, err := s.mgmt.Clients(c.Request.Context(), principal(c), c.Param("tenant"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, mapSlice(cs, newClientJSON))
	return nil
}

func (s *Server) getClient(c *gin.Context) error {
	cl, err := s.mgmt.Client(c.Request.Context(), principal(c), c.Param("tenant"), c.Param("client"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, newClientJSON(cl))
	return nil
}

func (s *Server) listRoles(c *gin.Context) error {
	cl, err := s.mgmt.Client(c.Request.Context(), principal(c), c.Param("tenant"), c.Param("client"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, mapSlice(cl.Roles, func(r aggregator.Role) roleJSON { return roleJSON(r) }))
	return nil
}

func (s *Server) getRole(c *gin.Context) error {
	r, err := s.mgmt.Role(c.Request.Context(), principal(c), c.Param("tenant"), c.Param("client"), c.Param("role"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, roleJSON(r))
	return nil
}

func (s *Server) listRoleUsers(c *gin.Context) error {
	us, err := s.mgmt.RoleUsers(c.Request.Context(), principal(c), c.Param("tenant"), c.Param("client"), c.Param("role"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, mapSlice(us, newUserJSON))
	return nil
}

func (s *Server) addRoleUser(c *gin.Context) error {
	err := s.mgmt.AddRoleUser(c.Request.Context(), principal(c), c.Param("tenant"), c.Param("client"),
		c.Param("role"), c.Param("user"))
	if err != nil {
		return err
	}
	writeEmpty(c, http.StatusOK)
	return nil
}

func (s *Server) createUser(c *gin.Context) error {
	var in aggregator.NewUser
	if err := s.decodeJSON(c, &in); err != nil {
		return err
	}
	tenant := c.Param("tenant")
	u, err := s.mgmt.CreateUser(c.Request.Context(), principal(c), tenant, in)
	if err != nil {
		return err
	}
	c.Header("Location", s.links.user(tenant, u.ID))
	writeEmpty(c, http.StatusCreated)
	return nil
}

func (s *Server) listUsers(c *gin.Context) error {
	us, err := s.mgmt.Users(c.Request.Context(), principal(c), c.Param("tenant"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, mapSlice(us, newUserJSON))
	return nil
}

func (s *Server) getUser(c *gin.Context) error {
	u, err := s.mgmt.User(c.Request.Context(), principal(c), c.Param("tenant"), c.Param("user"))
	if err != nil {
		return err
	}
	writeJSON(c, http.StatusOK, newUserJSON(u))
	return nil
}

func (s *Server) deactivateUser(c *gin.Context) error {
	if err := s.mgmt.DeactivateUser(c.Request.Context(), principal(c), c.Param("tenant"), c.Param("user")); err != nil {
		return err
	}
	writeEmpty(c, http.StatusOK)
	return nil
}

func (s *Server) reactivateUser(c *gin.Context) error {
	var in aggregator.NewUser
	if err := s.decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.mgmt.ReactivateUser(c.Request.Context(), principal(c), c.Param("tenant"), c.Param("user"), in); err != nil {
		return err
	}
	writeEmpty(c, http.StatusOK)
	return nil
}
