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

// Fixtures and assertions of the contract suite, shared with the store's
// own tests.

// PasswordHash looks like a bcrypt hash; no test checks a password against it.
const PasswordHash = "$2a$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"

// Base is a creation time well in the past with sub-second precision.
var Base = time.Date(2024, 5, 17, 10, 30, 0, 123456000, time.UTC)

// NewUser is an active user of tenant with a fresh id.
func NewUser(tenant, username string, created time.Time) aggregator.User {
	return aggregator.User{
		ID:           uuid.NewString(),
		Tenant:       tenant,
		Username:     username,
		PasswordHash: PasswordHash,
		Firstname:    "Erika",
		Lastname:     "Mustermann",
		Active:       true,
		Created:      created,
	}
}

// MustCreate stores u or fails the test.
func MustCreate(t *testing.T, s *store.Store, u aggregator.User) aggregator.User {
	t.Helper()
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("CreateUser(%s): %v", u.Username, err)
	}
	return u
}

// WantKind fails the test unless err is of kind want.
func WantKind(t *testing.T, err error, want aggregator.Kind) {
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

// UserToken is a user token of u valid for ttl from now.
func UserToken(u aggregator.User, ttl time.Duration) aggregator.Token {
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

// SaveToken stores tok and returns its digest.
func SaveToken(t *testing.T, s *store.Store, tok aggregator.Token) string {
	t.Helper()
	d := aggregator.TokenDigest(tok.AccessToken)
	if err := s.SaveToken(context.Background(), d, tok); err != nil {
		t.Fatal(err)
	}
	return d
}

// NewAccess is a new bank access of user in tenant demo.
func NewAccess(user string) *aggregator.BankAccess {
	saldo := decimal.RequireFromString("1234.56")
	return &aggregator.BankAccess{ID: uuid.NewString(), Tenant: "demo", UserID: user, ProviderID: "p", Created: Base,
		Status: aggregator.StatusComplete, SealedCredentials: []byte{1, 2, 3},
		Products: []aggregator.Product{{ID: "DE89370400440532013000", Kategorie: "GIROKONTO", Saldo: &saldo}},
		SCAs:     []aggregator.SCA{{ConsentID: uuid.NewString(), State: aggregator.SCAFinalised, ValidUntil: Base.Add(time.Hour)}}}
}

// Tx is a transaction of product booked on day (of Base's month) for amount.
func Tx(product string, day int, amount string) aggregator.Transaction {
	return aggregator.Transaction{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(product+amount)).String(), ProductID: product,
		Betrag: decimal.RequireFromString(amount), Buchungsdatum: Base.AddDate(0, 0, day), GegenkontoInhaber: "REWE"}
}

// Note is a TRANSACTION notification of a with one payee.
func Note(a *aggregator.BankAccess, payee string) aggregator.Notification {
	amount := decimal.RequireFromString("-12.5")
	return aggregator.Notification{ID: uuid.NewString(), Type: aggregator.NotifyTransaction, Tenant: a.Tenant, UserID: a.UserID,
		AccessID: a.ID, Occurred: Base, ProductID: "DE89370400440532013000",
		NewTransactions: []aggregator.NotifiedTransaction{{PayeeName: payee, Amount: &amount}}}
}

var policy = aggregator.ThrottlePolicy{FreeFailures: 3, BaseDelay: 10 * time.Second, MaxDelay: 40 * time.Second,
	AccountFailures: 6, AccountWindow: time.Hour}
