package aggregator

// Rel names a HATEOAS relation. The domain decides which relations apply;
// package web turns them into absolute hrefs in one place.
type Rel string

// Relations of the Auth and Providers APIs.
const (
	RelSelf Rel = "self"
	RelLogo Rel = "logo"
)

// Relation is a relation with its absolute href, as rendered on the wire.
type Relation struct {
	Rel  Rel    `json:"rel"`
	Href string `json:"href"`
}
