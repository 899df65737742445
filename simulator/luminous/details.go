package luminous

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/notifysim/notifysim/simulator/core"
)

// detailsRequest is the body of POST /campaign/t1/api/campaign-details.
type detailsRequest struct {
	APIKey       string `json:"apiKey"`
	CampaignName string `json:"campaignName"`
}

// detailsAnswer is what the vendor's campaign clients read: success, and the sample send body of
// the campaign. success is a boolean here, unlike the send's string "true": the clients test it
// for truth, and the string "false" would be true to them.
type detailsAnswer struct {
	Success     bool           `json:"success"`
	Message     string         `json:"message,omitempty"`
	RequestBody map[string]any `json:"requestBody,omitempty"`
}

// Placeholders of the sample body: what the client replaces before sending.
const (
	sampleDestination = "91XXXXXXXXXX"
	sampleUserName    = "user"
)

// sampleMedia is a header media of each kind, on a public host so that the sample as it stands
// passes the media check.
var sampleMedia = map[string]map[string]string{
	"image":    {"url": "https://cdn.example.com/sample.jpg", "filename": "sample.jpg"},
	"video":    {"url": "https://cdn.example.com/sample.mp4", "filename": "sample.mp4"},
	"document": {"url": "https://cdn.example.com/sample.pdf", "filename": "sample.pdf"},
}

// campaignDetails answers what a campaign needs before sending: the sample body the dashboard's
// "copy code" shows, with one templateParams entry per {{n}}, media only for a media header, a
// location only for a location header and buttons only for a dynamic button. A wrong apiKey is
// refused as the send refuses it. A valid key with an unknown campaign answers 200 with success
// false: the vendor's clients check their credentials by asking for a campaign that may not
// exist ("test"), and count any 2xx as a working key. Reading details spends no credit and needs
// no plan, so it answers for a project without either.
func (v *Vendor) campaignDetails(req *core.Request) core.Response {
	var body detailsRequest
	if err := json.Unmarshal(req.Body, &body); err != nil {
		return decodeFailure(err)
	}
	for _, f := range []struct{ name, value string }{{"apiKey", body.APIKey}, {"campaignName", body.CampaignName}} {
		if strings.TrimSpace(f.value) == "" {
			return fail(http.StatusBadRequest, strconv.Quote(f.name)+" is not allowed to be empty",
				core.Problem{In: "body", Field: f.name, Rule: "minLength", Reason: "is blank"})
		}
	}
	p, ok := v.state.Load().byKey[strings.TrimSpace(body.APIKey)]
	if !ok {
		return fail(http.StatusUnauthorized, MsgInvalidAPIKey,
			core.Problem{In: "body", Field: "apiKey", Rule: "auth", Reason: "no project has this API key"})
	}
	c, ok := p.byCampaign[strings.TrimSpace(body.CampaignName)]
	if !ok {
		req.Note("project %s has no API campaign named %q; answered success false", p.id, body.CampaignName)
		return core.JSON(http.StatusOK, detailsAnswer{Success: false, Message: MsgCampaignMissing})
	}
	if c.status != "Live" {
		req.Note("campaign %q is %s: a send would be refused with %q", c.name, c.status, MsgCampaignNotLive)
	}
	return core.JSON(http.StatusOK, detailsAnswer{Success: true, RequestBody: sampleBody(p, c)})
}

// sampleBody is the send body a client fills in for campaign c.
func sampleBody(p *project, c *campaign) map[string]any {
	tpl := c.template
	params := make([]string, tpl.params)
	for i := range params {
		params[i] = fmt.Sprintf("{{%d}}", i+1)
	}
	out := map[string]any{
		"apiKey": p.key, "campaignName": c.name, "destination": sampleDestination, "userName": sampleUserName,
		"templateParams": params, "source": "", "tags": []string{}, "attributes": map[string]string{},
	}
	if h := tpl.Header; h != nil {
		switch h.Type {
		case "image", "video", "document":
			out["media"] = sampleMedia[h.Type]
		case "location":
			out["location"] = map[string]string{"latitude": "", "longitude": "", "name": "", "address": ""}
		}
	}
	var buttons []map[string]any
	for i, b := range tpl.Buttons {
		dynamic := (b.Type == "url" && placeholder.MatchString(b.URL)) || b.Type == "copy_code"
		if !dynamic {
			continue
		}
		buttons = append(buttons, map[string]any{
			"type": "button", "sub_type": b.Type, "index": i,
			"parameters": []map[string]string{{"type": "text", "text": "{{1}}"}},
		})
	}
	if buttons != nil {
		out["buttons"] = buttons
	}
	return out
}
