package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
)

// photoTAN returns the mockPhotoTAN challenge of an SCA: its answer (six
// digits) and a 120×120 PNG colour mosaic, both derived from the SCA's
// nonce, so the same state always shows the same picture and answer.
func photoTAN(nonce string) (answer string, pic []byte, err error) {
	seed := seedOf(nonce + "|photoTAN")
	answer = fmt.Sprintf("%06d", seed%1_000_000)

	const cells, cell = 24, 5
	palette := color.Palette{
		color.RGBA{0xff, 0xff, 0xff, 0xff}, color.RGBA{0x00, 0x00, 0x00, 0xff},
		color.RGBA{0xd6, 0x1f, 0x26, 0xff}, color.RGBA{0x1f, 0x9d, 0x3a, 0xff},
		color.RGBA{0x1f, 0x4e, 0xd6, 0xff}, color.RGBA{0xf2, 0xc1, 0x00, 0xff},
	}
	img := image.NewPaletted(image.Rect(0, 0, cells*cell, cells*cell), palette)
	r := newRNG(seed, 902)
	for cy := range cells {
		for cx := range cells {
			idx := uint8(2 + r.intn(len(palette)-2))
			if finder(cx, cy, cells) {
				idx = finderColour(cx, cy, cells)
			}
			for y := cy * cell; y < (cy+1)*cell; y++ {
				for x := cx * cell; x < (cx+1)*cell; x++ {
					img.SetColorIndex(x, y, idx)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", nil, err
	}
	return answer, buf.Bytes(), nil
}

// finder reports whether a cell belongs to one of the three corner
// markers (4×4 cells) that let a camera find the mosaic.
func finder(x, y, n int) bool {
	near := func(v int) bool { return v < 4 }
	far := func(v int) bool { return v >= n-4 }
	return near(x) && near(y) || far(x) && near(y) || near(x) && far(y)
}

// finderColour draws each marker as a black ring around a white centre.
func finderColour(x, y, n int) uint8 {
	x, y = x%(n-4), y%(n-4) // fold the markers onto the top-left one
	if x >= 1 && x <= 2 && y >= 1 && y <= 2 {
		return 0
	}
	return 1
}
