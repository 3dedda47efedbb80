package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/zugang/zugang/aggregator"
	"github.com/zugang/zugang/aggregator/store"
)

// Fixtures and assertions of the contract suite.

const pwHash = "$2a$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0" // looks like bcrypt; never checked here

// base is a creation time well in the past with sub-second precision.
var base = time.Date(2024, 5, 17, 10, 30, 0, 123456000, time.UTC)

func newUser(tenant, username string, created time.Time) aggregator.User {
	return aggregator.User{
		ID:           uuid.NewString(),
		Tenant:       tenant,
		Username:     username,
		PasswordHash: pwHash,
		Firstname:    "Erika",
		Lastname:     "Mustermann",
		Active:       true,
		Created:      created,
	}
}

func mustCreate(t *testing.T, s *store.Store, u aggregator.User) aggregator.User {
	t.Helper()
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("CreateUser(%s): %v", u.Username, err)
	}
	return u
}

func wantKind(t *testing.T, err error, want aggregator.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want kind %v", want)
	}
	if got := aggregator.ErrorKind(err); got != want {
		t.Fatalf("err = %v (kind %v), want kind %v", err, got, want)
	}
}

func sameUser(t *testing.T, got, want aggregator.User) {
	t.Helper()
	if want.Roles == nil {
		want.Roles = []string{}
	}
	if !got.Created.Equal(want.Created) {
		t.Errorf("Created = %v, want %v", got.Created, want.Created)
	}
	got.Created, want.Created = time.Time{}, time.Time{}
	if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
		t.Errorf("user =\n%#v\nwant\n%#v", got, want)
	}
}

func ids(us []aggregator.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

func userToken(u aggregator.User, ttl time.Duration) aggregator.Token {
	now := time.Now().Truncate(time.Second)
	return aggregator.Token{
		AccessToken: uuid.NewString(),
		Tenant:      u.Tenant,
		Client:      "acme/app",
		UserID:      u.ID,
		Username:    u.Username,
		Scopes:      aggregator.Scopes{aggregator.ScopeCustomerRead, aggregator.ScopeCustomerModify},
		IssuedAt:    now,
		ValidTo:     now.Add(ttl),
	}
}

func save(t *testing.T, s *store.Store, tok aggregator.Token) string {
	t.Helper()
	d := aggregator.TokenDigest(tok.AccessToken)
	if err := s.SaveToken(context.Background(), d, tok); err != nil {
		t.Fatal(err)
	}
	return d
}

func newAccess(user string) *aggregator.BankAccess {
	saldo := decimal.RequireFromString("1234.56")
	return &aggregator.BankAccess{ID: uuid.NewString(), Tenant: "demo", UserID: user, ProviderID: "p", Created: base,
		Status: aggregator.StatusComplete, SealedCredentials: []byte{1, 2, 3},
		Products: []aggregator.Product{{ID: "DE89370400440532013000", Kategorie: "GIROKONTO", Saldo: &saldo}},
		SCAs:     []aggregator.SCA{{ConsentID: uuid.NewString(), State: aggregator.SCAFinalised, ValidUntil: base.Add(time.Hour)}}}
}

func tx(product string, day int, amount string) aggregator.Transaction {
	return aggregator.Transaction{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(product+amount)).String(), ProductID: product,
		Betrag: decimal.RequireFromString(amount), Buchungsdatum: base.AddDate(0, 0, day), GegenkontoInhaber: "REWE"}
}

func note(a *aggregator.BankAccess, payee string) aggregator.Notification {
	amount := decimal.RequireFromString("-12.5")
	return aggregator.Notification{ID: uuid.NewString(), Type: aggregator.NotifyTransaction, Tenant: a.Tenant, UserID: a.UserID,
		AccessID: a.ID, Occurred: base, ProductID: "DE89370400440532013000",
		NewTransactions: []aggregator.NotifiedTransaction{{PayeeName: payee, Amount: &amount}}}
}

var policy = aggregator.ThrottlePolicy{FreeFailures: 3, BaseDelay: 10 * time.Second, MaxDelay: 40 * time.Second,
	AccountFailures: 6, AccountWindow: time.Hour}
