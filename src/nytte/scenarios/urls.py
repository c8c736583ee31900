
app_name = "scenarios"
urlpatterns: list = []
