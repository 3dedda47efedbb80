package aggregator

import (
	"context"
	"time"
)

// The reading side of the bank-access use case: accesses, products,
// transactions and positions of the calling user, as stored. A granted
// consent whose time ran out reads as required again (expire).

// Access returns one access of the calling user.
func (a *Accesses) Access(ctx context.Context, p Principal, id string) (BankAccess, error) {
	acc, err := a.Store.Access(ctx, p.Tenant, p.UserID, id)
	if err != nil {
		return BankAccess{}, err
	}
	a.expire(&acc)
	return acc, nil
}

// AccessVersion returns the stored version of one access of the calling
// user: a reader that rendered this version may serve that again, as long
// as the view has not expired (see ViewUntil).
func (a *Accesses) AccessVersion(ctx context.Context, p Principal, id string) (int64, error) {
	return a.Store.AccessVersion(ctx, p.Tenant, p.UserID, id)
}

// List returns all accesses of the calling user.
func (a *Accesses) List(ctx context.Context, p Principal) ([]BankAccess, error) {
	list, err := a.Store.Accesses(ctx, p.Tenant, p.UserID)
	for i := range list {
		a.expire(&list[i])
	}
	return list, err
}

// Delete removes one access of the calling user.
func (a *Accesses) Delete(ctx context.Context, p Principal, id string) error {
	if _, err := a.Store.Access(ctx, p.Tenant, p.UserID, id); err != nil {
		return err
	}
	return a.Store.DeleteAccess(ctx, p.Tenant, p.UserID, id)
}

// DeleteAll removes every access of the calling user.
func (a *Accesses) DeleteAll(ctx context.Context, p Principal) error {
	list, err := a.Store.Accesses(ctx, p.Tenant, p.UserID)
	if err != nil {
		return err
	}
	for _, acc := range list {
		if err := a.Store.DeleteAccess(ctx, p.Tenant, p.UserID, acc.ID); err != nil {
			return err
		}
	}
	return nil
}

// Product returns one product of an access.
func (a *Accesses) Product(ctx context.Context, p Principal, accessID, productID string) (BankAccess, Product, error) {
	acc, err := a.Access(ctx, p, accessID)
	if err != nil {
		return BankAccess{}, Product{}, err
	}
	prod, ok := acc.Product(productID)
	if !ok {
		return BankAccess{}, Product{}, NotFound("accesses.Product", "product")
	}
	return acc, prod, nil
}

// Transactions returns a product's transactions in [from, to); zero bounds
// default to the last 90 days.
func (a *Accesses) Transactions(ctx context.Context, p Principal, accessID, productID string, from, to time.Time) ([]Transaction, error) {
	if _, _, err := a.Product(ctx, p, accessID, productID); err != nil {
		return nil, err
	}
	if from.IsZero() && to.IsZero() {
		from = a.Now().Add(-DefaultTransactionWindow)
	}
	if !to.IsZero() && !from.IsZero() && to.Before(from) {
		return nil, invalidf("accesses.Transactions", "to must not be before from")
	}
	return a.Store.Transactions(ctx, p.Tenant, p.UserID, accessID, productID, from, to)
}

// Transaction returns one transaction of a product.
func (a *Accesses) Transaction(ctx context.Context, p Principal, accessID, productID, txID string) (Transaction, error) {
	if _, _, err := a.Product(ctx, p, accessID, productID); err != nil {
		return Transaction{}, err
	}
	return a.Store.Transaction(ctx, p.Tenant, p.UserID, accessID, productID, txID)
}

// Positions returns a depot's positions.
func (a *Accesses) Positions(ctx context.Context, p Principal, accessID, productID string) ([]Investment, error) {
	_, prod, err := a.Product(ctx, p, accessID, productID)
	if err != nil {
		return nil, err
	}
	if prod.Kategorie != "DEPOT" {
		return nil, NotFound("accesses.Positions", "depot")
	}
	return a.Store.Investments(ctx, p.Tenant, p.UserID, accessID, productID)
}
