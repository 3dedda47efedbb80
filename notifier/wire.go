package notifier

import "github.com/zugang/zugang/aggregator"

// Body renders a numbered notification as the request body (the seed's
// notification object, aggregator.NotificationJSON).
func Body(n aggregator.Notification) ([]byte, error) { return aggregator.NotificationJSON(n) }
