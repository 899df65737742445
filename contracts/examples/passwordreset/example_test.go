package passwordreset_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/notifysim/notifysim/contracts/examples/passwordreset"
	"github.com/notifysim/notifysim/simulator"
)

func ExampleService_SendResetCode() {
	sim, err := simulator.New(simulator.Options{})
	if err != nil {
		panic(err)
	}
	defer sim.Close()
	srv := httptest.NewServer(sim)
	defer srv.Close()

	svc := &passwordreset.Service{LumaURL: srv.URL + "/vsa", Token: "luma-demo-token", NewCode: func() string { return "493817" }}
	code, err := svc.SendResetCode(context.Background(), "sam.phyll")
	fmt.Println(code, err)
	for _, m := range sim.Messages(simulator.Filter{Recipient: "sam.phyll"}) {
		fmt.Println(m.Body)
	}
	_, err = svc.SendResetCode(context.Background(), "sam.nobody")
	fmt.Println(err)
	// Output:
	// 493817 <nil>
	// Your password reset code is 493817. It expires in 15 minutes.
	// no Luma user with that login id
}
