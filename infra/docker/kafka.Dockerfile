# Apache Kafka in KRaft mode from the same Maven Central jars the local scripts use (infra/kafka).
FROM maven:3.9-eclipse-temurin-17 AS jars
WORKDIR /kafka
COPY infra/kafka/pom.xml ./pom.xml
RUN mvn -B -q -f pom.xml dependency:copy-dependencies

FROM eclipse-temurin:17-jre
WORKDIR /kafka
COPY --from=jars /kafka/.libs ./libs
COPY infra/kafka/log4j2.properties infra/docker/kafka-server.properties ./
RUN mkdir -p /var/lib/kafka && chown -R 1000:1000 /var/lib/kafka /kafka
USER 1000
ENV KAFKA_HEAP_OPTS="-Xms256m -Xmx512m"
CMD java -cp 'libs/*' kafka.tools.StorageTool format -t aW5mcmEta2Fma2EtMDAwMQ -c kafka-server.properties --ignore-formatted \
 && exec java $KAFKA_HEAP_OPTS -XX:+UseG1GC -Dlog4j2.configurationFile=log4j2.properties -cp 'libs/*' kafka.Kafka kafka-server.properties
