package configs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/zugang/zugang/aggregator"
)

// maxLogoSize bounds a logo file: logos are served from memory.
const maxLogoSize = 256 << 10

// logoName is the shape of a logo name, served as /providers/v2/<name>.svg.
var logoName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// Catalogue converts the providers into the domain's catalogue, with their
// logos loaded.
func (c *Config) Catalogue() (*aggregator.Catalogue, error) {
	infos := make([]aggregator.ProviderInfo, 0, len(c.Providers))
	logos := map[string][]byte{} // name -> SVG, so two different logos never share a name
	for i, p := range c.Providers {
		name, svg, err := p.logo()
		if err != nil {
			return nil, fmt.Errorf("providers[%d].logo: %w", i, err)
		}
		if prev, taken := logos[name]; taken && !bytes.Equal(prev, svg) {
			name = strings.ToLower(p.ID)
		}
		if name != "" {
			logos[name] = svg
		}
		channels := make([][]aggregator.ProductCategory, len(p.Channels))
		for j, ch := range p.Channels {
			channels[j] = make([]aggregator.ProductCategory, len(ch))
			for k, cat := range ch {
				channels[j][k] = aggregator.ProductCategory(cat)
			}
		}
		fields := make([]aggregator.LoginField, len(p.Fields))
		for j, f := range p.Fields {
			fields[j] = aggregator.LoginField{Key: f.FieldKey, Label: f.Label, Secret: f.Secret, Hint: f.Hint, Format: f.Format}
		}
		infos = append(infos, aggregator.ProviderInfo{
			ID:               p.ID,
			Name:             p.Name,
			ConsumerRelevant: p.ConsumerRelevant,
			Group:            p.Group,
			BLZ:              p.BLZ,
			BIC:              p.BIC,
			Capabilities:     slices.Clone(p.Capabilities),
			Channels:         channels,
			LoginHint:        p.LoginHint,
			Fields:           fields,
			Adapter:          p.Adapter,
			Logo:             name,
			LogoSVG:          svg,
			ConsentValidity:  time.Duration(p.ConsentValidityDays) * 24 * time.Hour,
		})
	}
	return aggregator.NewCatalogue(infos)
}

// logo resolves the provider's logo to the name it is served under and the
// SVG. An explicit Logo must resolve; an implied one (the group's) may not,
// and then both results are empty.
func (p Provider) logo() (name string, svg []byte, err error) {
	if p.Logo == "" {
		if svg, ok := embeddedLogo(p.Group); ok {
			return p.Group, svg, nil
		}
		return "", nil, nil
	}
	if !isLogoPath(p.Logo) {
		if svg, ok := embeddedLogo(p.Logo); ok {
			return p.Logo, svg, nil
		}
		return "", nil, fmt.Errorf("no embedded logo %q (a logo file must end in .svg)", p.Logo)
	}
	svg, err = readLogo(p.Logo)
	if err != nil {
		return "", nil, err
	}
	name = strings.TrimSuffix(filepath.Base(p.Logo), filepath.Ext(p.Logo))
	if !logoName.MatchString(name) {
		name = strings.ToLower(p.ID)
	}
	return name, svg, nil
}

// isLogoPath reports whether a logo setting names a file rather than an
// embedded logo.
func isLogoPath(logo string) bool { return strings.EqualFold(filepath.Ext(logo), ".svg") }

// embeddedLogo returns logos/<name>.svg from the embedded files.
func embeddedLogo(name string) ([]byte, bool) {
	if !logoName.MatchString(name) {
		return nil, false
	}
	svg, err := fs.ReadFile(embedded, "logos/"+name+".svg")
	return svg, err == nil
}

// readLogo reads an SVG logo file.
func readLogo(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	svg, err := io.ReadAll(io.LimitReader(f, maxLogoSize+1))
	switch {
	case err != nil:
		return nil, err
	case len(svg) > maxLogoSize:
		return nil, fmt.Errorf("%s: larger than %d KiB", path, maxLogoSize>>10)
	case !bytes.Contains(svg, []byte("<svg")):
		return nil, errors.New(path + ": not an SVG image (no <svg element)")
	}
	return svg, nil
}
