package store

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/zugang/zugang/aggregator"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current record types")

// recordCase pins one stored JSON value: encode is exactly what the store
// writes for the fixture, decode what it reads back.
type recordCase struct {
	name   string
	want   any // the domain value, as a load returns it
	encode func() ([]byte, error)
	decode func(raw []byte) (any, error)
}

func recordCases() []recordCase {
	loadedAccess := fullAccess()
	loadedAccess.IndexedSCAs = len(loadedAccess.SCAs) // the store's bookkeeping on load
	return []recordCase{
		{"access", loadedAccess,
			func() ([]byte, error) {
				a := fullAccess()
				rec := toAccessRecord(&a, a.Version)
				return recordJSON.Marshal(&rec)
			},
			func(raw []byte) (any, error) { return decodeAccess("test", raw) }},
		{"transaction", fullTransaction(),
			func() ([]byte, error) { rec := toTransactionRecord(fullTransaction()); return recordJSON.Marshal(&rec) },
			func(raw []byte) (any, error) { return decodeTransaction(string(raw)) }},
		{"investments", []aggregator.Investment{fullInvestment()},
			func() ([]byte, error) { return json.Marshal([]investmentRecord{toInvestmentRecord(fullInvestment())}) },
			func(raw []byte) (any, error) {
				var recs []investmentRecord
				if err := json.Unmarshal(raw, &recs); err != nil {
					return nil, err
				}
				inv, err := recs[0].domain()
				return []aggregator.Investment{inv}, err
			}},
		{"notification", fullNotification(),
			func() ([]byte, error) {
				entry, err := outboxEntry(fullNotification())
				_, body, _ := strings.Cut(entry, "\n")
				return []byte(body), err
			},
			func(raw []byte) (any, error) { return decodeNotification(string(raw)) }},
		{"webform", fullWebForm(),
			func() ([]byte, error) { return encodeWebForm(fullWebForm()) },
			func(raw []byte) (any, error) {
				var rec webFormRecord
				if err := json.Unmarshal(raw, &rec); err != nil {
					return nil, err
				}
				return rec.domain(fullWebForm().ID) // the id comes from the caller, never the record
			}},
		{"webhook", fullEndpoint(),
			func() ([]byte, error) { return json.Marshal(toWebhookRecord(fullEndpoint())) },
			func(raw []byte) (any, error) {
				var rec webhookRecord
				if err := json.Unmarshal(raw, &rec); err != nil {
					return nil, err
				}
				return rec.domain()
			}},
		{"redirect", fullRedirect(),
			func() ([]byte, error) { return json.Marshal(toRedirectRecord(fullRedirect())) },
			func(raw []byte) (any, error) {
				var rec redirectRecord
				if err := json.Unmarshal(raw, &rec); err != nil {
					return nil, err
				}
				return rec.domain()
			}},
	}
}

// TestRecordFormatGolden fails when a change (a renamed domain field, a
// changed conversion) would change what the store writes. Run with -update
// only for an intended format change, and then bump recordFormat or prove
// that old records still load (TestLegacyRecordsLoad).
func TestRecordFormatGolden(t *testing.T) {
	for _, c := range recordCases() {
		t.Run(c.name, func(t *testing.T) {
			raw, err := c.encode()
			if err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, raw, "", "\t"); err != nil {
				t.Fatal(err)
			}
			pretty.WriteByte('\n')
			path := "testdata/" + c.name + ".golden.json"
			if *update {
				if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(pretty.Bytes(), want) {
				t.Errorf("the stored format of %s changed:\n got %s\nwant %s", c.name, pretty.Bytes(), want)
			}
			got, err := c.decode(raw)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("round trip: %v\n got %+v\nwant %+v", err, got, c.want)
			}
		})
	}
}

// TestLegacyRecordsLoad reads what the store wrote before it had record
// types (it marshalled the domain structs; testdata/legacy-*.json are such
// values, without Format).
func TestLegacyRecordsLoad(t *testing.T) {
	for _, c := range recordCases() {
		t.Run(c.name, func(t *testing.T) {
			raw, err := os.ReadFile("testdata/legacy-" + c.name + ".json")
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.decode(raw)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("legacy record: %v\n got %+v\nwant %+v", err, got, c.want)
			}
		})
	}
}

// TestNewerFormatRefused: a record written by a newer build is an error,
// not a silently partial value.
func TestNewerFormatRefused(t *testing.T) {
	for _, c := range recordCases() {
		t.Run(c.name, func(t *testing.T) {
			raw := []byte(`{"Format":2}`)
			if c.name == "investments" {
				raw = []byte(`[{"Format":2}]`)
			}
			if _, err := c.decode(raw); err == nil || !strings.Contains(err.Error(), "format 2") {
				t.Errorf("decode of format 2 = %v, want an error naming the format", err)
			}
		})
	}
}

// notStored are the domain fields no record holds: handles between a use
// case and the store, secrets kept only sealed, the capability id of a
// web-form session (its key is the id's digest).
var notStored = map[string]bool{
	"BankAccess.Lock": true, "BankAccess.IndexedSCAs": true,
	"WebhookEndpoint.Secrets": true,
}

// TestFixturesSetEveryField keeps the golden files complete: a field added
// to a stored domain type must be set in its fixture, and then the round
// trip of TestRecordFormatGolden fails until the record stores it.
func TestFixturesSetEveryField(t *testing.T) {
	for _, v := range []any{fullAccess(), fullTransaction(), fullInvestment(), fullNotification(), fullWebForm(),
		fullEndpoint(), fullRedirect()} {
		checkSet(t, reflect.ValueOf(v), reflect.TypeOf(v).Name())
	}
}

func checkSet(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			checkSet(t, v.Elem(), path)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Struct {
			for i := range v.Len() {
				checkSet(t, v.Index(i), path)
			}
		}
	case reflect.Struct:
		if v.Type().PkgPath() != reflect.TypeFor[aggregator.BankAccess]().PkgPath() {
			return // time.Time, decimal.Decimal: values, not records
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			name := v.Type().Name() + "." + f.Name
			if notStored[name] {
				continue
			}
			if v.Field(i).IsZero() {
				t.Errorf("fixture leaves %s (in %s) zero", name, path)
			}
			checkSet(t, v.Field(i), path+"."+f.Name)
		}
	}
}
