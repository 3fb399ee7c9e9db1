# Vern in one container: `vern serve` owns the database in the /app/data volume.
# Vern backs itself up into /app/data/backups (set VERN_BACKUP_PASSPHRASE; [backup] s3_bucket
# for a copy off the machine): README, Operations.
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e .
ENV VERN_DB=/app/data/vern.duckdb
VOLUME ["/app/data"]
EXPOSE 8501
CMD ["vern", "serve", "--address", "0.0.0.0", "--port", "8501"]
