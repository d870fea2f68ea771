// Package client is the platform SDK's HTTP client.
package client

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Client talks to the platform API.
type Client struct {
	baseURL string
	token   string
	http    *http.Client
}

// New returns a client for baseURL authenticated with token.
func New(baseURL, token string) *Client {
	return &Client{baseURL: baseURL, token: token, http: &http.Client{Timeout: 10 * time.Second}}
}

// Ping checks that the API answers.
func (c *Client) Ping(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.baseURL+"/healthz", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("ping: %s", resp.Status)
	}
	return nil
}
