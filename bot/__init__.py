"""The application layer: parser, message bus, handlers, cards, notifications, composition root."""
