package flow

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestBasePaths(t *testing.T) {
	tests := []struct {
		name    string
		servers openapi3.Servers
		want    []string
	}{
		{"no servers is the root", nil, []string{""}},
		{"host only is the root", openapi3.Servers{{URL: "https://api.mykaarma.com"}}, []string{""}},
		{"a trailing slash is dropped", openapi3.Servers{{URL: "https://x.example/"}}, []string{""}},
		{"Luma: /vsa and the root, each once", openapi3.Servers{
			{URL: "https://luma2.serviceaide.com/vsa"}, {URL: "https://lumastaging.serviceaide.com/vsa"},
			{URL: "http://127.0.0.1:4545/vsa"}, {URL: "http://127.0.0.1:4545"},
		}, []string{"/vsa", ""}},
		{"variables take their defaults", openapi3.Servers{{URL: "https://{host}/{base}", Variables: map[string]*openapi3.ServerVariable{
			"host": {Default: "luma3.serviceaide.com"}, "base": {Default: "vsa"},
		}}}, []string{"/vsa"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BasePaths(&openapi3.T{Servers: tt.servers})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("BasePaths = %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := BasePaths(&openapi3.T{Servers: openapi3.Servers{{URL: "::not a url"}}}); err == nil {
		t.Fatal("a server URL that does not parse was accepted")
	}
}

func ExampleBasePaths() {
	doc := &openapi3.T{Servers: openapi3.Servers{
		{URL: "https://luma2.serviceaide.com/vsa"},
		{URL: "http://127.0.0.1:4545/vsa"},
		{URL: "http://127.0.0.1:4545"},
	}}
	bases, _ := BasePaths(doc)
	fmt.Printf("%q\n", bases)
	// Output: ["/vsa" ""]
}
