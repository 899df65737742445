package admin

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/notifysim/notifysim/simulator/core"
	"github.com/notifysim/notifysim/simulator/fault"
)

func (a *API) listFaults(*core.Request) core.Response {
	return core.JSON(http.StatusOK, map[string]any{"faults": a.c.Faults.List()})
}

// addFault adds one rule; the spec has checked the field types, the rule's own Check the rest.
func (a *API) addFault(req *core.Request) core.Response {
	var r fault.Rule
	dec := json.NewDecoder(bytes.NewReader(req.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return fail(http.StatusBadRequest, "body: %v", err)
	}
	st, err := a.c.Faults.Add(r, false)
	if err != nil {
		return fail(http.StatusBadRequest, "%v", err)
	}
	return core.JSON(http.StatusCreated, st)
}

func (a *API) clearFaults(*core.Request) core.Response {
	a.c.Faults.Clear()
	return core.JSON(http.StatusOK, map[string]any{"faults": a.c.Faults.List()})
}

func (a *API) deleteFault(req *core.Request) core.Response {
	id := req.PathParams["id"]
	if !a.c.Faults.Delete(id) {
		return fail(http.StatusNotFound, "no fault rule with id %q; GET /_sim/faults lists them", id)
	}
	return core.Response{Status: http.StatusNoContent}
}
