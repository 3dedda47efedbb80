package aggregator_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store/storetest"
)

func TestEnsureUserIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	dir, err := aggregator.NewDirectory([]*aggregator.Tenant{{Name: "demo", Clients: []*aggregator.Client{
		{ID: "demo-app", Roles: []aggregator.Role{{Name: "customer"}}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	m := aggregator.NewManagement(aggregator.NewAuth(dir, st, time.Now, 0, bcrypt.MinCost, nil))
	in := aggregator.NewUser{Username: "demo-user", Password: "demo-pass-2024"}
	roles := []aggregator.RoleRef{{Client: "demo-app", Role: "customer"}}

	first, created, err := m.EnsureUser(ctx, "demo", in, roles)
	if err != nil || !created {
		t.Fatalf("first EnsureUser: created=%v err=%v", created, err)
	}
	in.Password = "changed-pass-99" // a restart with another password keeps the stored one
	again, created, err := m.EnsureUser(ctx, "demo", in, roles)
	if err != nil || created || again.ID != first.ID {
		t.Fatalf("second EnsureUser: %+v created=%v err=%v", again, created, err)
	}
	u, err := st.UserByID(ctx, "demo", first.ID)
	if err != nil || len(u.Roles) != 1 || u.Roles[0] != "customer" {
		t.Fatalf("user = %+v, %v", u, err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte("demo-pass-2024")) != nil {
		t.Error("the first password must stay")
	}
	users, _ := st.ActiveUsers(ctx, "demo")
	if len(users) != 1 {
		t.Errorf("%d users, want 1", len(users))
	}
	if _, _, err := m.EnsureUser(ctx, "demo", aggregator.NewUser{Username: "x-user", Password: "x-pass-1234"},
		[]aggregator.RoleRef{{Client: "demo-app", Role: "ghost"}}); !aggregator.IsNotFound(err) {
		t.Errorf("unknown role: %v", err)
	}
	if _, err := st.UserByUsername(ctx, "demo", "x-user"); !aggregator.IsNotFound(err) {
		t.Errorf("a refused EnsureUser must store nothing: %v", err)
	}
}
