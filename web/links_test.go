package web

import (
	"net/url"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/zugang/zugang/aggregator"
)

// relBuilders builds a relation of each resource in a context where every
// relation applies: an access whose current SCA has a consent and a
// redirect URL.
func relBuilders(l links) map[aggregator.Resource]func(aggregator.Rel) (aggregator.Relation, bool) {
	p := &aggregator.ProviderInfo{ID: "0b7e4c39-2f1d-4e8a-9c55-6d1f0a2b3c4d", Logo: "demo"}
	acc := &aggregator.BankAccess{ID: "1c5b33f6-9c4d-11e6-ba80-480fcfb9550f"}
	sca := &aggregator.SCA{ConsentID: "c1", State: aggregator.SCARedirect,
		Challenge: &aggregator.Challenge{Redirect: true, RedirectURL: "https://bank.example/sca?id=1"}}
	return map[aggregator.Resource]func(aggregator.Rel) (aggregator.Relation, bool){
		aggregator.ResourceProvider: func(r aggregator.Rel) (aggregator.Relation, bool) { return l.providerRel(r, p) },
		aggregator.ResourceCustomer: l.customerRel,
		aggregator.ResourceAccess:   func(r aggregator.Rel) (aggregator.Relation, bool) { return l.accessRel(r, acc, sca) },
		aggregator.ResourceProduct:  func(r aggregator.Rel) (aggregator.Relation, bool) { return l.productRel(r, acc.ID, "p1") },
		aggregator.ResourceConsent:  func(r aggregator.Rel) (aggregator.Relation, bool) { return l.consentRel(r, sca) },
	}
}

// TestEveryRelationHasAnHref: web builds an absolute href for every
// relation the domain can emit on each resource. A relation added to
// aggregator without a case in its builder fails here.
func TestEveryRelationHasAnHref(t *testing.T) {
	core, logs := observer.New(zapcore.ErrorLevel)
	builders := relBuilders(links{base: testBase, log: zap.New(core)})
	for res := aggregator.Resource(0); res < aggregator.ResourceCount; res++ {
		build, ok := builders[res]
		if !ok {
			t.Errorf("no builder for the resource %s", res)
			continue
		}
		for _, r := range aggregator.RelationsOn(res) {
			t.Run(res.String()+"/"+string(r), func(t *testing.T) {
				rel, ok := build(r)
				if !ok {
					t.Fatalf("web cannot build the href of %q on a %s", r, res)
				}
				u, err := url.Parse(rel.Href)
				if rel.Rel != r || err != nil || !u.IsAbs() || u.Host == "" {
					t.Errorf("%+v: want rel %q with an absolute href", rel, r)
				}
			})
		}
	}
	if n := logs.Len(); n != 0 {
		t.Errorf("%d relations logged as unknown: %v", n, logs.All())
	}
}

// TestUnknownRelationIsRefused: a relation a builder does not name gets
// no href, and the mistake is logged, on every resource.
func TestUnknownRelationIsRefused(t *testing.T) {
	for _, r := range []aggregator.Rel{"start-sca", "Self", "", "get_kontoumsaetze "} {
		core, logs := observer.New(zapcore.ErrorLevel)
		for res, build := range relBuilders(links{base: testBase, log: zap.New(core)}) {
			if rel, ok := build(r); ok {
				t.Errorf("%s: %q got %+v", res, r, rel)
			}
		}
		if n := logs.FilterField(zap.String("rel", string(r))).Len(); n != int(aggregator.ResourceCount) {
			t.Errorf("%q: %d of %d builders logged it", r, n, aggregator.ResourceCount)
		}
	}
}

// TestRelationsOutOfContext: the SCA relations need an SCA and
// redirect_url the bank's URL; without them they are left out quietly.
func TestRelationsOutOfContext(t *testing.T) {
	core, logs := observer.New(zapcore.ErrorLevel)
	l := links{base: testBase, log: zap.New(core)}
	acc := &aggregator.BankAccess{ID: "a"}
	tests := []struct {
		rel aggregator.Rel
		sca *aggregator.SCA
	}{
		{aggregator.RelRedirectURL, nil},
		{aggregator.RelRedirectURL, &aggregator.SCA{ConsentID: "c"}},
		{aggregator.RelRedirectURL, &aggregator.SCA{ConsentID: "c", Challenge: &aggregator.Challenge{}}},
		{aggregator.RelCancel, nil},
		{aggregator.RelSetMethod, nil},
		{aggregator.RelSetMedium, nil},
		{aggregator.RelAuthenticate, nil},
		{aggregator.RelAuthenticateDecoupled, nil},
	}
	for _, tt := range tests {
		if rel, ok := l.accessRel(tt.rel, acc, tt.sca); ok {
			t.Errorf("%q with %+v: got %+v", tt.rel, tt.sca, rel)
		}
	}
	if logs.Len() != 0 {
		t.Errorf("a relation out of context was logged as unknown: %v", logs.All())
	}
}
