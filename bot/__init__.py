"""sdgbot: answers questions about the Ministry of Labor 2025 SDG Voluntary Departmental Review."""

__version__ = "0.1.0"
